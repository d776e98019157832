import {describe, expect, it} from 'vitest'

import {
  mapDcActivity, mapDcBranch, mapDcChange, mapDcCommit, mapDcPullRequest, mapDcRepository, mapDcWebhook,
} from '../../../../src/core/provider/datacenter/map.js'

// Shapes follow components.schemas of the DC 9.4 spec (RestPullRequest, RestCommit, RestChange …).
const jane = {name: 'jcitizen', emailAddress: 'jane@example.com', id: 101, displayName: 'Jane Citizen', active: true, slug: 'jcitizen', type: 'NORMAL'}
const bob = {name: 'Bob.Smith', emailAddress: 'bob@example.com', id: 102, displayName: 'Bob', slug: 'bob.smith'}

describe('DC repository', () => {
  it('has no dates and derives privacy from public', () => {
    expect(mapDcRepository({slug: 'my-repo', name: 'My repo', public: false, project: {key: 'PRJ'},
      links: {self: [{href: 'https://bb.corp/projects/PRJ/repos/my-repo/browse'}]}}, 'dc')).toEqual({
      provider: 'datacenter', connection: 'dc', key: 'PRJ/my-repo', name: 'My repo', project: 'PRJ', isPrivate: true,
      defaultBranch: null, createdAt: null, updatedAt: null, url: 'https://bb.corp/projects/PRJ/repos/my-repo/browse',
    })
  })
})

describe('DC pull request', () => {
  const raw = {
    id: 1, version: 3, title: 'Talking Nerdy', state: 'MERGED', createdDate: 1359075920123, updatedDate: 1449075830000,
    closedDate: 1449075830000,
    fromRef: {id: 'refs/heads/feature-ABC-123', displayId: 'feature-ABC-123', latestCommit: 'b'.repeat(40)},
    toRef: {id: 'refs/heads/master', displayId: 'master'},
    author: {user: jane, role: 'AUTHOR' as const, approved: false, status: 'UNAPPROVED' as const},
    reviewers: [
      {user: bob, role: 'REVIEWER' as const, approved: true, status: 'APPROVED' as const},
      {user: {...bob, slug: 'nw', name: 'nw'}, role: 'REVIEWER' as const, approved: false, status: 'NEEDS_WORK' as const},
    ],
    participants: [{user: {...bob, slug: 'p', name: 'p'}, role: 'PARTICIPANT' as const, approved: false, status: 'UNAPPROVED' as const}],
    properties: {mergeCommit: {id: 'C'.repeat(40), displayId: 'ccccccccccc'}},
  }

  it('maps epoch ms, refs, full merge hash and a zero comment count DC left out', () => {
    const rec = mapDcPullRequest(raw, 'PRJ/my-repo')
    expect(rec.pullRequest).toEqual({
      repo: 'PRJ/my-repo', id: 1, title: 'Talking Nerdy', state: 'MERGED', author: 'jcitizen',
      sourceBranch: 'feature-ABC-123', targetBranch: 'master', createdAt: '2013-01-25T01:05:20.123Z',
      updatedAt: '2015-12-02T17:03:50.000Z', closedAt: '2015-12-02T17:03:50.000Z', mergeCommit: 'c'.repeat(40), commentCount: 0,
    })
    expect(rec.mergeCommitShort).toBeNull()
  })

  it('maps reviewer status to reviews (NEEDS_WORK = changes requested) and collects users by slug', () => {
    const rec = mapDcPullRequest(raw, 'P/r')
    expect(rec.reviews).toEqual([
      {repo: 'P/r', pullRequest: 1, user: 'bob.smith', state: 'APPROVED', at: null},
      {repo: 'P/r', pullRequest: 1, user: 'nw', state: 'CHANGES_REQUESTED', at: null},
    ])
    expect(rec.users.find((u) => u.id === 'bob.smith')).toEqual(
      {provider: 'datacenter', id: 'bob.smith', displayName: 'Bob', accountId: 'Bob.Smith', nickname: 'bob.smith'})
    expect(rec.users).toHaveLength(4)
  })

  it('keeps open PRs without close date and counts comments from properties', () => {
    const rec = mapDcPullRequest({...raw, state: 'OPEN', closedDate: undefined, properties: {commentCount: 4}}, 'P/r')
    expect(rec.pullRequest).toMatchObject({state: 'OPEN', closedAt: null, mergeCommit: null, commentCount: 4})
    expect(mapDcPullRequest({...raw, properties: undefined}, 'P/r').pullRequest.commentCount).toBeNull()
  })
})

describe('DC activity', () => {
  it('maps review actions', () => {
    expect(mapDcActivity({id: 1, action: 'APPROVED', createdDate: 1000, user: jane})).toMatchObject({kind: 'approval', user: 'jcitizen', at: '1970-01-01T00:00:01.000Z'})
    expect(mapDcActivity({id: 2, action: 'REVIEWED', createdDate: 0, user: jane}).kind).toBe('changes_requested')
    expect(mapDcActivity({id: 3, action: 'UNAPPROVED', user: jane}).kind).toBe('unapproval')
    expect(mapDcActivity({id: 4, action: 'COMMENTED', user: jane}).kind).toBe('comment')
    expect(mapDcActivity({id: 5, action: 'RESCOPED', user: jane}).kind).toBe('update')
    expect(mapDcActivity({id: 6, action: 'AUTO_MERGE_REQUESTED', user: jane}).kind).toBe('other')
  })
})

describe('DC commit and changes', () => {
  it('maps an unlinked git author as given', () => {
    const {commit, user} = mapDcCommit({id: 'abcdef0123abcdef4567abcdef8987abcdef6543', message: 'More work on feature 1',
      author: {name: 'Charlie', emailAddress: 'charlie@example.com'}, authorTimestamp: 1359075920000,
      parents: [{id: 'bcdef0123abcdef4567abcdef8987abcdef6543a'}]}, 'P/r')
    expect(commit).toEqual({repo: 'P/r', hash: 'abcdef0123abcdef4567abcdef8987abcdef6543', authorName: 'Charlie',
      authorEmail: 'charlie@example.com', authorAccount: null, date: '2013-01-25T01:05:20.000Z', message: 'More work on feature 1',
      parents: ['bcdef0123abcdef4567abcdef8987abcdef6543a']})
    expect(user).toBeNull()
  })

  it('links an author DC resolved to an account by slug', () => {
    const {commit, user} = mapDcCommit({id: 'a'.repeat(40), message: '', author: jane, authorTimestamp: 0}, 'P/r')
    expect(commit.authorAccount).toBe('jcitizen')
    // For a linked author `name` is the login: the person's name is the display name.
    expect(commit.authorName).toBe('Jane Citizen')
    expect(user?.id).toBe('jcitizen')
  })

  it('maps change types; MOVE keeps srcPath, COPY counts as added, no line counts', () => {
    const path = (s: string): {components: string[]; toString: string} => ({components: s.split('/'), toString: s})
    const h = 'e'.repeat(40)
    expect(mapDcChange({path: path('a/b.txt'), type: 'ADD', nodeType: 'FILE'}, 'P/r', h))
      .toEqual({repo: 'P/r', commit: h, path: 'a/b.txt', oldPath: null, status: 'added', linesAdded: null, linesRemoved: null})
    expect(mapDcChange({path: path('n.txt'), srcPath: path('o.txt'), type: 'MOVE'}, 'P/r', h)).toMatchObject({status: 'renamed', oldPath: 'o.txt'})
    expect(mapDcChange({path: path('c.txt'), srcPath: path('o.txt'), type: 'COPY'}, 'P/r', h)).toMatchObject({status: 'added', oldPath: null})
    expect(mapDcChange({path: path('d.txt'), type: 'DELETE'}, 'P/r', h)).toMatchObject({status: 'removed'})
    expect(mapDcChange({path: path('m.txt'), type: 'MODIFY'}, 'P/r', h)).toMatchObject({status: 'modified'})
    // Without toString the components still give the path.
    expect(mapDcChange({path: {components: ['x', 'y.z']}, type: 'MODIFY'}, 'P/r', h)?.path).toBe('x/y.z')
  })
})

describe('DC branch and webhook', () => {
  it('maps branches', () => {
    expect(mapDcBranch({id: 'refs/heads/master', displayId: 'master', latestCommit: '8d51122def5632836d1cb1026e879069e10a1e13'}))
      .toEqual({name: 'master', head: '8d51122def5632836d1cb1026e879069e10a1e13'})
  })

  it('reads the secret flag from configuration.secret', () => {
    expect(mapDcWebhook({id: 10, name: 'bb', url: 'https://x', events: ['repo:refs_changed'], active: false, configuration: {secret: 's'}}, 'project', 'PRJ'))
      .toEqual({id: '10', scope: 'project', target: 'PRJ', url: 'https://x', description: 'bb', events: ['repo:refs_changed'], active: false, hasSecret: true})
    expect(mapDcWebhook({id: 11, configuration: {}}, 'repo', 'P/r').hasSecret).toBe(false)
  })
})
