import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {ALPHA, API, call, pat, startDc} from './helpers.js'
import type {Any} from './helpers.js'

const h = (n: number): string => n.toString(16).padStart(2, '0').repeat(20)
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (minutes: number): number => T0 + minutes * 60_000

describe('DC endpoints render the world in Data Center shapes', () => {
  let emu: RunningEmulator
  let auth: string
  const get = async (path: string): Promise<Any> => {
    const r = await call(emu, path, {auth})
    expect(r.status, `${path}: ${r.text}`).toBe(200)
    return r.body
  }
  beforeAll(async () => {
    emu = await startDc()
    auth = pat(emu, 'alice', ['REPO_READ']).auth
  })
  afterAll(() => emu.close())

  it('serves the same resources under /rest/api/1.0', async () => {
    expect(await get('/rest/api/1.0/projects/PROJ/repos/alpha')).toEqual(await get(ALPHA))
  })

  it('users/:slug', async () => {
    expect(await get(`${API}/users/bob`)).toMatchObject({name: 'Bob', slug: 'bob', id: 12, displayName: 'Bob Baker', emailAddress: 'bob@example.com', active: true, type: 'NORMAL'})
    const missing = await call(emu, `${API}/users/nobody`, {auth})
    expect(missing.status).toBe(404)
    expect(missing.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.user.NoSuchUserException')
  })

  it('projects, a project and its repositories', async () => {
    expect((await get(`${API}/projects`)).values.map((p: Any) => p.key)).toEqual(['BIG', 'OPS', 'PROJ'])
    expect((await get(`${API}/projects?name=oper`)).values.map((p: Any) => p.key)).toEqual(['OPS'])
    expect(await get(`${API}/projects/proj`)).toMatchObject({key: 'PROJ', id: 1, name: 'Project', type: 'NORMAL', public: false})
    const repo = await get(ALPHA)
    expect(repo).toMatchObject({slug: 'alpha', id: 1, name: 'Alpha', scmId: 'git', state: 'AVAILABLE', public: false, archived: false, project: {key: 'PROJ'}})
    expect(repo.links.clone.map((l: Any) => l.name).sort()).toEqual(['http', 'ssh'])
    // DC repository JSON has neither dates nor a default branch.
    expect(Object.keys(repo)).not.toEqual(expect.arrayContaining(['createdDate']))
    expect(repo.defaultBranch).toBeUndefined()
    const missing = await call(emu, `${API}/projects/NOPE/repos/x`, {auth})
    expect(missing.status).toBe(404)
    expect(missing.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.project.NoSuchProjectException')
    expect((await call(emu, `${API}/projects/PROJ/repos/nope`, {auth})).body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.repository.NoSuchRepositoryException')
  })

  it('repos search by projectkey and name', async () => {
    expect((await get(`${API}/repos?projectkey=proj`)).values.map((r: Any) => r.slug)).toEqual(['alpha', 'beta'])
    expect((await get(`${API}/repos?name=tool`)).values.map((r: Any) => `${r.project.key}/${r.slug}`)).toEqual(['OPS/tools'])
  })

  it('pull requests: default OPEN, state filter, SUPERSEDED as DECLINED, ordering', async () => {
    expect((await get(`${ALPHA}/pull-requests`)).values.map((p: Any) => p.id)).toEqual([1])
    expect((await get(`${ALPHA}/pull-requests?state=ALL`)).values.map((p: Any) => p.id)).toEqual([1, 4, 3, 2])
    expect((await get(`${ALPHA}/pull-requests?state=ALL&order=OLDEST`)).values.map((p: Any) => p.id)).toEqual([2, 3, 4, 1])
    expect((await get(`${ALPHA}/pull-requests?state=DECLINED`)).values.map((p: Any) => [p.id, p.state])).toEqual([[4, 'DECLINED'], [3, 'DECLINED']])
    expect((await get(`${ALPHA}/pull-requests?state=MERGED`)).values.map((p: Any) => p.id)).toEqual([2])
    expect((await call(emu, `${ALPHA}/pull-requests?state=SUPERSEDED`, {auth})).status).toBe(400)
  })

  it('a pull request: epoch-ms dates, refs, reviewers with DC statuses, merge commit', async () => {
    const pr = await get(`${ALPHA}/pull-requests/1`)
    expect(pr).toMatchObject({
      id: 1, version: 1, state: 'OPEN', open: true, closed: false, createdDate: at(101), updatedDate: at(300),
      fromRef: {id: 'refs/heads/feature/x', displayId: 'feature/x', latestCommit: h(6)},
      toRef: {id: 'refs/heads/main', displayId: 'main', latestCommit: h(7)},
      author: {role: 'AUTHOR', user: {slug: 'alice'}},
      properties: {commentCount: 1},
    })
    expect(pr.closedDate).toBeUndefined()
    expect(pr.reviewers.map((r: Any) => [r.user.slug, r.status, r.approved])).toEqual([['bob', 'APPROVED', true], ['carol', 'NEEDS_WORK', false]])
    expect(pr.participants.map((r: Any) => [r.user.slug, r.role, r.status])).toEqual([['alice', 'PARTICIPANT', 'UNAPPROVED']])
    const merged = await get(`${ALPHA}/pull-requests/2`)
    expect(merged).toMatchObject({state: 'MERGED', closed: true, closedDate: at(202), properties: {mergeCommit: {id: h(7), displayId: h(7).slice(0, 11)}}})
    expect(merged.properties.commentCount).toBeUndefined()
    const missing = await call(emu, `${ALPHA}/pull-requests/99`, {auth})
    expect(missing.status).toBe(404)
    expect(missing.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.pull.NoSuchPullRequestException')
  })

  it('activities newest first: COMMENTED, REVIEWED (needs work), APPROVED, OPENED', async () => {
    const body = await get(`${ALPHA}/pull-requests/1/activities`)
    expect(body.values.map((a: Any) => [a.action, a.user.slug, a.createdDate])).toEqual([
      ['COMMENTED', 'alice', at(140)], ['REVIEWED', 'carol', at(130)], ['APPROVED', 'bob', at(120)], ['OPENED', 'alice', at(101)],
    ])
    expect(body.values[0]).toMatchObject({commentAction: 'ADDED', comment: {text: 'Thanks!', author: {slug: 'alice'}}})
    const ids = body.values.map((a: Any) => a.id)
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids)
    const merged = await get(`${ALPHA}/pull-requests/2/activities`)
    expect(merged.values[0]).toMatchObject({action: 'MERGED', createdDate: at(202), commit: {id: h(7)}})
    expect((await get(`${ALPHA}/pull-requests/3/activities`)).values[0].action).toBe('DECLINED')
  })

  it('participants: author, reviewers, participants', async () => {
    const body = await get(`${ALPHA}/pull-requests/1/participants`)
    expect(body.values.map((p: Any) => [p.user.slug, p.role, p.status])).toEqual([
      ['alice', 'AUTHOR', 'UNAPPROVED'], ['bob', 'REVIEWER', 'APPROVED'], ['carol', 'REVIEWER', 'NEEDS_WORK'], ['alice', 'PARTICIPANT', 'UNAPPROVED'],
    ])
  })

  it('branches with latestCommit and isDefault; default-branch', async () => {
    const body = await get(`${ALPHA}/branches`)
    expect(body.values).toEqual([
      {id: 'refs/heads/main', displayId: 'main', type: 'BRANCH', latestCommit: h(7), latestChangeset: h(7), isDefault: true},
      {id: 'refs/heads/feature/x', displayId: 'feature/x', type: 'BRANCH', latestCommit: h(6), latestChangeset: h(6), isDefault: false},
    ])
    expect((await get(`${ALPHA}/branches?orderBy=ALPHABETICAL`)).values.map((b: Any) => b.displayId)).toEqual(['feature/x', 'main'])
    expect(await get(`${ALPHA}/default-branch`)).toEqual({id: 'refs/heads/main', displayId: 'main', type: 'BRANCH'})
    expect((await call(emu, `${API}/projects/PROJ/repos/beta/default-branch`, {auth})).status).toBe(404)
  })

  it('commits: default branch, until/since ranges, merges filter, newest first', async () => {
    const ids = async (q: string): Promise<string[]> => (await get(`${ALPHA}/commits${q}`)).values.map((c: Any) => c.id)
    expect(await ids('')).toEqual([7, 6, 5, 4, 3, 2, 1].map(h))
    expect(await ids('?until=feature/x')).toEqual([6, 3, 2, 1].map(h))
    expect(await ids('?until=refs/heads/main&since=feature/x')).toEqual([7, 5, 4].map(h))
    expect(await ids(`?until=${h(4).slice(0, 12)}&since=${h(2)}`)).toEqual([4, 3].map(h))
    expect(await ids('?merges=exclude')).toEqual([6, 5, 4, 3, 2, 1].map(h))
    expect(await ids('?merges=only')).toEqual([h(7)])
    expect(await ids('?path=docs')).toEqual([h(4)])
    expect((await get(`${API}/projects/PROJ/repos/beta/commits`)).values).toEqual([])
    const missing = await call(emu, `${ALPHA}/commits?until=nope`, {auth})
    expect(missing.status).toBe(404)
    expect(missing.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.commit.NoSuchCommitException')
  })

  it('a commit: git author or linked user, epoch timestamps, parents', async () => {
    const merge = await get(`${ALPHA}/commits/${h(7)}`)
    expect(merge).toMatchObject({id: h(7), displayId: h(7).slice(0, 11), authorTimestamp: at(70), committerTimestamp: at(70), message: 'Commit 7 PROJ-7\n\nbody 7'})
    expect(merge.author).toMatchObject({name: 'alice', emailAddress: 'alice@example.com', slug: 'alice', displayName: 'Alice Able'})
    expect(merge.parents).toEqual([{id: h(5), displayId: h(5).slice(0, 11)}, {id: h(6), displayId: h(6).slice(0, 11)}])
    expect((await get(`${ALPHA}/commits/${h(5)}`)).author).toEqual({name: 'Ghost Writer', emailAddress: 'ghost@nowhere.test'})
    expect((await get(`${ALPHA}/commits/${h(5).slice(0, 8)}`)).id).toBe(h(5))
    expect((await call(emu, `${ALPHA}/commits/main`, {auth})).status).toBe(404)
  })

  it('commit changes: ADD/MODIFY/DELETE/MOVE with path objects and no line counts', async () => {
    const change = async (n: number): Promise<Any> => (await get(`${ALPHA}/commits/${h(n)}/changes`)).values[0]
    const moved = await change(6)
    expect(moved).toMatchObject({type: 'MOVE', nodeType: 'FILE', path: {toString: 'lib/new.ts', name: 'new.ts', parent: 'lib', extension: 'ts', components: ['lib', 'new.ts']}, srcPath: {toString: 'lib/old.ts'}})
    expect((await change(5)).type).toBe('DELETE')
    expect((await change(4)).type).toBe('ADD')
    const modified = await change(3)
    expect(modified.type).toBe('MODIFY')
    expect(modified.srcPath).toBeUndefined()
    expect(JSON.stringify(modified)).not.toMatch(/linesAdded|lines_added/)
    const page = await get(`${ALPHA}/commits/${h(3)}/changes`)
    expect(page).toMatchObject({fromHash: h(2), toHash: h(3), isLastPage: true})
  })

  it('answers unknown paths with a DC error body', async () => {
    const r = await call(emu, `${API}/no/such/thing`, {auth})
    expect(r.status).toBe(404)
    expect(r.body.errors[0]).toHaveProperty('message')
  })
})
