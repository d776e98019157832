import {describe, expect, it} from 'vitest'

import {
  mapCloudActivity, mapCloudBranch, mapCloudCommit, mapCloudDiffstat, mapCloudPullRequest, mapCloudRepository,
  mapCloudWebhook, parseRawAuthor,
} from '../../../../src/core/provider/cloud/map.js'

// Shapes follow components.schemas and the examples embedded in the Cloud 2.0 spec.
const account = {
  display_name: 'Name Lastname',
  uuid: '{d301aafa-d676-4ee0-88be-962be7417567}',
  links: {self: {href: 'https://api.bitbucket.org/2.0/users/%7B%7D'}},
  type: 'user',
  nickname: 'Name',
  account_id: '557058:1234',
}

describe('Cloud repository', () => {
  it('maps the listing fields and keeps Cloud dates in UTC ms', () => {
    const repo = mapCloudRepository({
      full_name: 'atlassian/atlaskit-mk-2', name: 'Atlaskit-MK-2', slug: 'atlaskit-mk-2', is_private: false,
      created_on: '2017-09-21T23:35:36.158876+00:00', updated_on: '2019-09-27T00:33:46.039178+00:00',
      mainbranch: {name: 'master'}, project: {key: 'AK'}, links: {html: {href: 'https://bitbucket.org/atlassian/atlaskit-mk-2'}},
    }, 'default')
    expect(repo).toEqual({
      provider: 'cloud', connection: 'default', key: 'atlassian/atlaskit-mk-2', name: 'Atlaskit-MK-2', project: 'AK',
      isPrivate: false, defaultBranch: 'master', createdAt: '2017-09-21T23:35:36.158Z', updatedAt: '2019-09-27T00:33:46.039Z',
      url: 'https://bitbucket.org/atlassian/atlaskit-mk-2',
    })
  })

  it('gives null for an empty repository without main branch', () => {
    const repo = mapCloudRepository({slug: 'empty', name: 'empty', mainbranch: null}, 'c', 'ws')
    expect(repo.key).toBe('ws/empty')
    expect(repo.defaultBranch).toBeNull()
    expect(repo.createdAt).toBeNull()
  })
})

describe('Cloud pull request', () => {
  const raw = {
    id: 5695, title: 'small change', state: 'MERGED', author: account,
    source: {branch: {name: 'username/NONE-add-onClick'}, commit: {hash: '728c8bad1813'}},
    destination: {branch: {name: 'master'}, commit: {hash: '6a2c16e4a152'}},
    merge_commit: {hash: '0123456789ab'},
    comment_count: 3,
    created_on: '2019-05-10T06:48:25.305565+00:00',
    updated_on: '2019-09-27T00:37:19.849534+00:00',
    participants: [
      {user: account, role: 'PARTICIPANT' as const, approved: false, state: null, participated_on: '2019-09-27T00:33:46.039178+00:00'},
      {user: {...account, uuid: '{aaaa}', nickname: 'rev'}, role: 'REVIEWER' as const, approved: true, state: 'approved' as const, participated_on: '2019-09-27T00:37:19.849534+00:00'},
      {user: {...account, uuid: '{bbbb}', nickname: 'nw'}, role: 'REVIEWER' as const, approved: false, state: 'changes_requested' as const, participated_on: '2019-09-26T00:00:00.000001+00:00'},
      {user: {...account, uuid: '{cccc}'}, role: 'REVIEWER' as const, approved: false, state: null, participated_on: null},
    ],
  }

  it('maps the PR and moves the 12-char merge hash to mergeCommitShort', () => {
    const rec = mapCloudPullRequest(raw, 'atlassian/atlaskit-mk-2')
    expect(rec.pullRequest).toEqual({
      repo: 'atlassian/atlaskit-mk-2', id: 5695, title: 'small change', state: 'MERGED',
      author: '{d301aafa-d676-4ee0-88be-962be7417567}', sourceBranch: 'username/NONE-add-onClick', targetBranch: 'master',
      // Cloud has no close time in the list: a closed PR's updated_on stands in until activity refines it.
      createdAt: '2019-05-10T06:48:25.305Z', updatedAt: '2019-09-27T00:37:19.849Z', closedAt: '2019-09-27T00:37:19.849Z',
      mergeCommit: null, commentCount: 3,
    })
    expect(rec.mergeCommitShort).toBe('0123456789ab')
  })

  it('keeps a full merge hash as mergeCommit', () => {
    const full = 'a'.repeat(40)
    const rec = mapCloudPullRequest({...raw, merge_commit: {hash: full}}, 'w/r')
    expect(rec.pullRequest.mergeCommit).toBe(full)
    expect(rec.mergeCommitShort).toBeNull()
  })

  it('derives reviews from participants: approval time from participated_on, change requests without time', () => {
    const rec = mapCloudPullRequest(raw, 'w/r')
    expect(rec.reviews).toEqual([
      {repo: 'w/r', pullRequest: 5695, user: '{aaaa}', state: 'APPROVED', at: '2019-09-27T00:37:19.849Z'},
      {repo: 'w/r', pullRequest: 5695, user: '{bbbb}', state: 'CHANGES_REQUESTED', at: null},
    ])
    expect(rec.users.map((u) => u.id).sort()).toEqual(['{aaaa}', '{bbbb}', '{cccc}', '{d301aafa-d676-4ee0-88be-962be7417567}'])
    expect(rec.users.find((u) => u.id === '{aaaa}')).toEqual({provider: 'cloud', id: '{aaaa}', displayName: 'Name Lastname', accountId: '557058:1234', nickname: 'rev'})
  })

  it('keeps SUPERSEDED, which exists only on Cloud', () => {
    expect(mapCloudPullRequest({...raw, state: 'SUPERSEDED'}, 'w/r').pullRequest.state).toBe('SUPERSEDED')
    expect(mapCloudPullRequest({...raw, state: 'OPEN'}, 'w/r').pullRequest.closedAt).toBeNull()
  })
})

describe('Cloud activity', () => {
  it('maps the spec examples: comment, update, approval', () => {
    expect(mapCloudActivity({comment: {created_on: '2019-09-27T00:33:46.039178+00:00', user: account}})).toMatchObject(
      {kind: 'comment', user: account.uuid, at: '2019-09-27T00:33:46.039Z'})
    expect(mapCloudActivity({update: {state: 'OPEN', author: account, date: '2019-05-10T06:48:25.305565+00:00'}})).toMatchObject(
      {kind: 'update', user: account.uuid, at: '2019-05-10T06:48:25.305Z', state: 'OPEN'})
    const approval = mapCloudActivity({approval: {date: '2019-09-27T00:37:19.849534+00:00', user: account}})
    expect(approval).toEqual({kind: 'approval', user: account.uuid, at: '2019-09-27T00:37:19.849Z', users: [
      {provider: 'cloud', id: account.uuid, displayName: 'Name Lastname', accountId: '557058:1234', nickname: 'Name'}]})
  })

  it('maps change requests and tolerates unknown entries', () => {
    expect(mapCloudActivity({changes_request: {date: '2020-01-01T00:00:00+00:00', user: account}})).toMatchObject(
      {kind: 'changes_requested', at: '2020-01-01T00:00:00.000Z'})
    expect(mapCloudActivity({changes_requested: {date: '2020-01-01T00:00:00+00:00', user: account}}).kind).toBe('changes_requested')
    expect(mapCloudActivity({} as never)).toEqual({kind: 'other', user: null, at: null, users: []})
  })
})

describe('Cloud commit', () => {
  it('parses author.raw in its usual and odd forms', () => {
    expect(parseRawAuthor('Erik van Zijst <erik@example.com>')).toEqual({name: 'Erik van Zijst', email: 'erik@example.com'})
    expect(parseRawAuthor('  <only@mail.test> ')).toEqual({name: null, email: 'only@mail.test'})
    expect(parseRawAuthor('bare@mail.test')).toEqual({name: null, email: 'bare@mail.test'})
    expect(parseRawAuthor('Just A Name')).toEqual({name: 'Just A Name', email: null})
    expect(parseRawAuthor('Name <>')).toEqual({name: 'Name', email: null})
    expect(parseRawAuthor('Odd <Name> <x@y.z>')).toEqual({name: 'Odd <Name>', email: 'x@y.z'})
    expect(parseRawAuthor(undefined)).toEqual({name: null, email: null})
  })

  it('maps hash, parents, linked account and keeps the message verbatim', () => {
    const {commit, user} = mapCloudCommit({
      hash: 'A'.repeat(40), date: '2026-01-02T03:04:05+00:00', message: 'Fix ABC-1\n\nbody\n',
      author: {raw: 'Dev <dev@x.test>', user: account}, parents: [{hash: 'b'.repeat(40)}],
    }, 'w/r')
    expect(commit).toEqual({
      repo: 'w/r', hash: 'a'.repeat(40), authorName: 'Dev', authorEmail: 'dev@x.test', authorAccount: account.uuid,
      date: '2026-01-02T03:04:05.000Z', message: 'Fix ABC-1\n\nbody\n', parents: ['b'.repeat(40)],
    })
    expect(user?.id).toBe(account.uuid)
  })

  it('leaves authorAccount null when Cloud links no user', () => {
    const {commit, user} = mapCloudCommit({hash: 'c'.repeat(40), date: '2026-01-02T03:04:05+00:00', message: 'm', author: {raw: 'X <x@y>'}}, 'w/r')
    expect(commit.authorAccount).toBeNull()
    expect(user).toBeNull()
  })
})

describe('Cloud diffstat', () => {
  it('maps each status, with oldPath only for renames', () => {
    const h = 'd'.repeat(40)
    expect(mapCloudDiffstat({status: 'added', lines_added: 3, lines_removed: 0, old: null, new: {path: 'a.txt'}}, 'w/r', h))
      .toEqual({repo: 'w/r', commit: h, path: 'a.txt', oldPath: null, status: 'added', linesAdded: 3, linesRemoved: 0})
    expect(mapCloudDiffstat({status: 'removed', lines_added: 0, lines_removed: 7, old: {path: 'gone.txt'}, new: null}, 'w/r', h))
      .toMatchObject({path: 'gone.txt', oldPath: null, status: 'removed', linesRemoved: 7})
    expect(mapCloudDiffstat({status: 'renamed', lines_added: 1, lines_removed: 1, old: {path: 'old/x.ts'}, new: {path: 'new/x.ts'}}, 'w/r', h))
      .toMatchObject({path: 'new/x.ts', oldPath: 'old/x.ts', status: 'renamed'})
    expect(mapCloudDiffstat({status: 'modified', lines_added: 2, lines_removed: 1, old: {path: 'm'}, new: {path: 'm'}}, 'w/r', h))
      .toMatchObject({path: 'm', oldPath: null, status: 'modified'})
  })
})

describe('Cloud branch and webhook', () => {
  it('maps branch heads', () => {
    expect(mapCloudBranch({name: 'main', target: {hash: 'E'.repeat(40)}})).toEqual({name: 'main', head: 'e'.repeat(40)})
    expect(mapCloudBranch({name: 'x'})).toBeNull()
  })

  it('reports secret_set without ever reading a secret', () => {
    const hook = mapCloudWebhook({uuid: '{h1}', url: 'https://h.test/x', description: 'bb', events: ['repo:push', 'pullrequest:created'],
      active: true, secret_set: true}, 'repo', 'w/r')
    expect(hook).toEqual({id: '{h1}', scope: 'repo', target: 'w/r', url: 'https://h.test/x', description: 'bb',
      events: ['pullrequest:created', 'repo:push'], active: true, hasSecret: true})
  })
})
