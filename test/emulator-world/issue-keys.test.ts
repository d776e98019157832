import {describe, expect, it} from 'vitest'

import {extractIssueKeys as productExtract} from '../../src/core/issue-keys.js'
import {createWorld, extractIssueKeys} from '../../emulator/world/index.js'
import {JIRA_PROJECTS} from '../../emulator/world/vocabulary.js'
import {allDetails} from './check.js'

describe('issue keys', () => {
  it('finds Jira keys and #refs once each, in order', () => {
    expect(extractIssueKeys('PLAT-12: fix #7 and PLAT-12 again', 'feature/WEB-3-x')).toEqual(['PLAT-12', '#7', 'WEB-3'])
    expect(extractIssueKeys('utf-8 is not a key, nor Plat-12, nor A-1, nor x#12y')).toEqual([])
    expect(extractIssueKeys('(AB2-99)', null, undefined, 'refs #400')).toEqual(['AB2-99', '#400'])
  })

  const world = createWorld({seed: 11, dataset: 'small'})
  const details = allDetails(world)
  const jiraProjects = new Set(JIRA_PROJECTS.flat())

  it('generated keys only appear where put on purpose', () => {
    const keyed: string[] = []
    for (const d of details) {
      for (const pr of d.pullRequests) {
        keyed.push(pr.title, pr.sourceBranch)
        // Descriptions and comments never carry keys: a product reading them would invent refs.
        expect(extractIssueKeys(pr.description, ...pr.activity.map((a) => a.text))).toEqual([])
      }
      for (const c of d.commits) keyed.push(c.message)
      expect(extractIssueKeys(d.repo.name, ...world.users().map((u) => u.displayName))).toEqual([])
    }
    for (const text of keyed) {
      for (const key of extractIssueKeys(text)) {
        if (key.startsWith('#')) expect(text).toMatch(new RegExp(`(fixes|refs|pull request) ${key}\\b`))
        else expect(jiraProjects.has(key.split('-')[0]!)).toBe(true)
      }
    }
    expect(keyed.some((t) => /#\d/.test(t))).toBe(true)
    expect(keyed.some((t) => /\b[A-Z]+-\d+/.test(t))).toBe(true)
  })

  it('the product extracts exactly the keys the truth expects', () => {
    for (const d of details) {
      for (const pr of d.pullRequests) expect(productExtract(pr.title, pr.sourceBranch)).toEqual(extractIssueKeys(pr.title, pr.sourceBranch))
      for (const c of d.commits) expect(productExtract(c.message)).toEqual(extractIssueKeys(c.message))
    }
  })
})
