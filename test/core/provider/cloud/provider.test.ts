import {describe, expect, it} from 'vitest'

import {createProvider, createWebhookApi} from '../../../../src/core/provider/index.js'
import {collect, FakeClient} from '../fake-client.js'

const BASE = 'https://api.example.test/2.0'

function prPage(ids: number[], next?: string): unknown {
  return {
    values: ids.map((id) => ({id, title: `PR ${id}`, state: 'OPEN', created_on: '2026-01-01T00:00:00.000000+00:00',
      updated_on: '2026-01-02T00:00:00.000000+00:00', participants: []})),
    ...(next ? {next} : {}),
  }
}

describe('Cloud provider: pull requests', () => {
  it('asks for every state, 50 per page, participants, and follows the opaque next link verbatim', async () => {
    const next = `${BASE}/repositories/ws/repo/pullrequests?page=2&ctx=opaque`
    const client = new FakeClient((url) => url === next ? {body: prPage([3])} : {body: prPage([1, 2], next)})
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const {items, cursors} = await collect(provider.pullRequests('ws/repo', {updatedSince: '2026-01-01T00:00:00.000Z'}))
    expect(items.map((r) => r.pullRequest.id)).toEqual([1, 2, 3])
    // Saved cursors are relative to the API base (a host spelled another way cannot strand them).
    expect(cursors).toEqual([next.slice(BASE.length), null])
    const first = client.calls[0]!
    expect(first.pathOrUrl).toBe('/repositories/ws/repo/pullrequests')
    expect(first.options.query).toMatchObject({
      state: ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'], pagelen: 50, sort: '-updated_on',
      q: 'updated_on > 2026-01-01T00:00:00.000+00:00',
    })
    expect(String(first.options.query?.fields)).toContain('values.participants.state')
    expect(String(first.options.query?.fields).split(',')).toContain('next')
    // The second request is the next link itself, with no query added.
    expect(client.calls[1]).toEqual({pathOrUrl: next, options: {signal: undefined}})
  })

  it('resumes from a cursor without repeating the first request', async () => {
    const cursor = '/repositories/ws/repo/pullrequests?page=7'
    const client = new FakeClient(() => ({body: prPage([70])}))
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const {items} = await collect(provider.pullRequests('ws/repo', {cursor}))
    expect(items).toHaveLength(1)
    expect(client.calls.map((c) => c.pathOrUrl)).toEqual([cursor])
    // A cursor saved by an earlier version (absolute, same origin) resumes at the same page.
    const old = new FakeClient(() => ({body: prPage([70])}))
    await collect(createProvider({kind: 'cloud', connection: 'c', client: old}).pullRequests('ws/repo', {cursor: `${BASE}${cursor}`}))
    expect(old.calls.map((c) => c.pathOrUrl)).toEqual([cursor])
  })

  it('refuses a next link that does not advance', async () => {
    const loop = `${BASE}/x?page=2`
    const client = new FakeClient(() => ({body: prPage([1], loop)}))
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    await expect(collect(provider.pullRequests('ws/repo'))).rejects.toThrow(/did not advance/)
  })
})

describe('Cloud provider: repositories across workspaces', () => {
  it('lists workspaces then each workspace, with a cursor that resumes in the right workspace', async () => {
    const wsNext = `${BASE}/repositories/b?page=2`
    const client = new FakeClient((url) => {
      if (url === '/user/workspaces') return {body: {values: [{workspace: {slug: 'a', name: 'A'}}, {workspace: {slug: 'b', name: 'B'}}]}}
      if (url === '/repositories/a') return {body: {values: [{full_name: 'a/one', name: 'one'}]}}
      if (url === '/repositories/b') return {body: {values: [{full_name: 'b/two', name: 'two'}], next: wsNext}}
      if (url === wsNext) return {body: {values: [{full_name: 'b/three', name: 'three'}]}}
      throw new Error(`unexpected ${url}`)
    })
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const {items, cursors} = await collect(provider.repositories())
    expect(items.map((r) => r.key)).toEqual(['a/one', 'b/two', 'b/three'])
    expect(cursors[2]).toBeNull()

    // Resume after the second page: only workspace b's next link is fetched (plus the workspace list).
    const again = new FakeClient((url) => {
      if (url === '/user/workspaces') return {body: {values: [{workspace: {slug: 'a'}}, {workspace: {slug: 'b'}}]}}
      if (url === wsNext.slice(BASE.length)) return {body: {values: [{full_name: 'b/three', name: 'three'}]}}
      throw new Error(`unexpected ${url}`)
    })
    const resumed = await collect(createProvider({kind: 'cloud', connection: 'c', client: again}).repositories({cursor: cursors[1]!}))
    expect(resumed.items.map((r) => r.key)).toEqual(['b/three'])
  })

  it('filters by project with BBQL and returns null for a missing repository', async () => {
    const client = new FakeClient((url) => url === '/repositories/ws/nope' ? {status: 404, body: {}} : {body: {values: []}})
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    await collect(provider.repositories({container: 'ws', project: 'P"X'}))
    expect(client.calls[0]!.options.query?.q).toBe('project.key="P\\"X"')
    expect(await provider.repository('ws/nope')).toBeNull()
  })
})

describe('Cloud provider: commits, files, counts, hooks, identity', () => {
  it('walks commits with include/exclude in one listing, 100 per page', async () => {
    const client = new FakeClient(() => ({body: {values: [{hash: 'a'.repeat(40), date: '2026-01-01T00:00:00+00:00', message: 'm',
      author: {raw: 'A <a@b>'}, parents: []}]}}))
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const {items} = await collect(provider.commits('ws/r', {include: ['main', 'dev', 'main'], exclude: ['old']}))
    expect(items[0]!.commit.authorEmail).toBe('a@b')
    expect(client.calls[0]!.options.query).toMatchObject({include: ['main', 'dev'], exclude: ['old'], pagelen: 100})
  })

  it('sends many refs as a POST form instead of an overlong URL', async () => {
    const client = new FakeClient(() => ({body: {values: []}}))
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const exclude = Array.from({length: 200}, (_, i) => i.toString(16).padStart(40, '0'))
    await collect(provider.commits('ws/r', {include: ['f'.repeat(40)], exclude}))
    const call = client.calls[0]!
    expect(call.options.method).toBe('POST')
    expect(call.options.contentType).toBe('application/x-www-form-urlencoded')
    expect(call.options.query).not.toHaveProperty('exclude')
    const form = new URLSearchParams(String(call.options.body))
    expect(form.getAll('exclude')).toEqual(exclude)
    expect(form.getAll('include')).toEqual(['f'.repeat(40)])
  })

  it('asks diffstat for 5000 per page and passes the path prefix', async () => {
    const client = new FakeClient(() => ({body: {values: [{status: 'modified', lines_added: 1, lines_removed: 2, old: {path: 'src/a'}, new: {path: 'src/a'}}]}}))
    const provider = createProvider({kind: 'cloud', connection: 'c', client})
    const {items} = await collect(provider.commitFiles('ws/r', 'F'.repeat(40), {pathPrefix: 'src/'}))
    expect(items).toEqual([{repo: 'ws/r', commit: 'f'.repeat(40), path: 'src/a', oldPath: null, status: 'modified', linesAdded: 1, linesRemoved: 2}])
    expect(client.calls[0]!.pathOrUrl).toBe(`/repositories/ws/r/diffstat/${'F'.repeat(40)}`)
    expect(client.calls[0]!.options.query).toMatchObject({pagelen: 5000, path: 'src'})
  })

  it('counts PRs in all states from size, and reports commits as unknowable', async () => {
    const client = new FakeClient((url) => ({body: {size: url.endsWith('pullrequests') ? 123 : 4, values: []}}))
    const counts = await createProvider({kind: 'cloud', connection: 'c', client}).counts('ws/r')
    expect(counts).toEqual({pullRequests: 123, commits: null, branches: 4})
    expect(client.calls.find((c) => c.pathOrUrl.endsWith('pullrequests'))!.options.query?.state).toHaveLength(4)
  })

  it('sends the secret only when given and refuses project-level hooks', async () => {
    const client = new FakeClient((_url, options) => ({body: {uuid: '{h}', ...(options.body as object), secret_set: true}}))
    const hooks = createWebhookApi({kind: 'cloud', client})
    await hooks.update('repo', 'ws/r', '{h}', {url: 'https://x', description: 'd', events: ['repo:push'], active: true})
    expect(client.calls[0]!.options.body).not.toHaveProperty('secret')
    await hooks.create('workspace', 'ws', {url: 'https://x', description: 'd', events: ['repo:push'], active: true, secret: null})
    expect(client.calls[1]!.pathOrUrl).toBe('/workspaces/ws/hooks')
    expect(client.calls[1]!.options.body).toHaveProperty('secret', null)
    await expect(hooks.create('project', 'P', {url: 'https://x', description: 'd', events: [], active: true})).rejects.toThrow(/project-level/)
  })

  it('identifies a user with scopes, and an access token by a fallback call', async () => {
    const user = new FakeClient(() => ({body: {uuid: '{u}', display_name: 'U', account_id: '1:2', nickname: 'u'}, headers: {'x-oauth-scopes': 'repository, pullrequest'}}))
    expect(await createProvider({kind: 'cloud', connection: 'c', client: user}).identity()).toEqual(
      {id: '{u}', displayName: 'U', accountId: '1:2', nickname: 'u', scopes: ['repository', 'pullrequest'], kind: 'user'})
    // A bot user (no account_id) is an access token.
    const bot = new FakeClient(() => ({body: {uuid: '{b}', display_name: 'CI token'}, headers: {'x-credential-type': 'access_token'}}))
    expect(await createProvider({kind: 'cloud', connection: 'c', client: bot}).identity()).toMatchObject({id: '{b}', kind: 'token'})
    // Refused /user: the token's target proves it, else the missing scope is reported.
    const denied = {status: 403, body: {error: {message: 'Your credentials lack one or more required privilege scopes.', detail: {required: ['account'], granted: ['repository']}}}}
    const token = new FakeClient((url) => url === '/user' ? denied : {body: {uuid: '{r}'}})
    const id = await createProvider({kind: 'cloud', connection: 'c', client: token}).identity({credentialId: 'c/2', target: 'ws/repo'})
    expect(id).toMatchObject({id: 'c/2', kind: 'token'})
    expect(token.calls[1]!.pathOrUrl).toBe('/repositories/ws/repo')
    const err = await createProvider({kind: 'cloud', connection: 'c', client: token}).identity().catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'missing_scope', details: {required: ['account'], granted: ['repository']}})
    // A 401 is left to the client (it refreshes OAuth tokens, then raises AuthError).
    const bad = new FakeClient(() => ({status: 401, body: {error: {message: 'nope'}}}))
    await expect(createProvider({kind: 'cloud', connection: 'c', client: bad}).identity()).rejects.toThrow(/HTTP 401/)
    expect(bad.calls[0]!.options.okStatuses).not.toContain(401)
  })
})
