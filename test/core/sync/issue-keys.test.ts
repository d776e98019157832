import {describe, expect, it} from 'vitest'

import {extractIssueKeys} from '../../../src/core/issue-keys.js'
import {extractIssueKeys as emulatorRule} from '../../../emulator/world/issue-keys.js'
import {createWorld} from '../../../emulator/world/index.js'

describe('extractIssueKeys', () => {
  it('finds Jira keys and #numbers once per source, in order of first appearance', () => {
    expect(extractIssueKeys('Fix ABC-12 and #4', 'feature/ABC-12-more-#4', 'X9-1 again ABC-12')).toEqual(['ABC-12', '#4', 'X9-1'])
    expect(extractIssueKeys('lowercase abc-12, A-1 (one letter), ABC-12x, 9AB-1')).toEqual([])
    expect(extractIssueKeys(null, undefined, '')).toEqual([])
    expect(extractIssueKeys('bugfix/PLAT-222-speed-up')).toEqual(['PLAT-222'])
  })

  it('agrees with the emulator\'s truth rule on every generated PR title, branch and commit message', () => {
    const world = createWorld({seed: 3, dataset: 'tiny'})
    let texts = 0
    for (const c of world.containers()) {
      for (const r of world.repos(c.key)) {
        const d = world.detail(`${r.container}/${r.slug}`)
        for (const pr of d.pullRequests) {
          expect(extractIssueKeys(pr.title, pr.sourceBranch)).toEqual(emulatorRule(pr.title, pr.sourceBranch))
          texts++
        }
        for (const m of d.commits) {
          expect(extractIssueKeys(m.message)).toEqual(emulatorRule(m.message))
          texts++
        }
      }
    }
    expect(texts).toBeGreaterThan(100)
  })
})
