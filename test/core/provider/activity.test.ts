import {describe, expect, it} from 'vitest'

import type {PullRequest} from '../../../src/core/model.js'
import {closedAtFromActivity} from '../../../src/core/provider/activity.js'

const pr: PullRequest = {
  repo: 'w/r', id: 1, title: 't', state: 'MERGED', author: null, sourceBranch: null, targetBranch: null,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-05T00:00:00.000Z', closedAt: '2026-01-05T00:00:00.000Z',
  mergeCommit: null, commentCount: 0,
}

describe('closedAtFromActivity', () => {
  it('takes the latest update that left the PR in its final state', () => {
    expect(closedAtFromActivity(pr, [
      {kind: 'update', state: 'OPEN', user: null, at: '2026-01-01T00:00:00.000Z', users: []},
      {kind: 'update', state: 'MERGED', user: null, at: '2026-01-03T00:00:00.000Z', users: []},
      {kind: 'comment', user: null, at: '2026-01-05T00:00:00.000Z', users: []},
    ])).toBe('2026-01-03T00:00:00.000Z')
  })

  it('keeps the listed value when activity does not say, and null for open PRs', () => {
    expect(closedAtFromActivity(pr, [])).toBe(pr.closedAt)
    expect(closedAtFromActivity({...pr, state: 'OPEN'}, [{kind: 'update', state: 'MERGED', user: null, at: 'x', users: []}])).toBeNull()
  })
})
