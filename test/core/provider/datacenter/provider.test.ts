import {describe, expect, it} from 'vitest'

import {planCommitWalks} from '../../../../src/core/provider/datacenter/walks.js'
import {createProvider, createWebhookApi} from '../../../../src/core/provider/index.js'
import {collect, FakeClient} from '../fake-client.js'

const REPO = '/rest/api/latest/projects/PRJ/repos/r'

function pr(id: number, updated: number): unknown {
  return {id, title: `t${id}`, state: 'OPEN', createdDate: 0, updatedDate: updated}
}

describe('DC paging', () => {
  it('asks limit=1000, follows nextPageStart (not start+limit) and stops on isLastPage', async () => {
    const client = new FakeClient((_url, o) => {
      const start = Number(o.query?.start)
      if (start === 0) return {body: {values: [pr(1, 30), pr(2, 20)], isLastPage: false, nextPageStart: 7, limit: 2, size: 2, start: 0}}
      if (start === 7) return {body: {values: [pr(3, 10)], isLastPage: true, limit: 2, size: 1, start: 7}}
      throw new Error(`start ${start}`)
    })
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items, cursors} = await collect(provider.pullRequests('PRJ/r'))
    expect(items.map((r) => r.pullRequest.id)).toEqual([1, 2, 3])
    expect(cursors).toEqual(['7', null])
    expect(client.calls[0]!.pathOrUrl).toBe(`${REPO}/pull-requests`)
    expect(client.calls[0]!.options.query).toMatchObject({state: 'ALL', order: 'NEWEST', start: 0, limit: 1000})

    // A cursor resumes at that start.
    const again = new FakeClient(() => ({body: {values: [pr(3, 10)], isLastPage: true}}))
    await collect(createProvider({kind: 'datacenter', connection: 'dc', client: again}).pullRequests('PRJ/r', {cursor: '7'}))
    expect(again.calls[0]!.options.query).toMatchObject({start: 7})
  })

  it('stops paging at the watermark when PRs come newest-updated first', async () => {
    const client = new FakeClient(() => ({body: {values: [pr(5, 5000), pr(4, 4000), pr(3, 1000)], isLastPage: false, nextPageStart: 3}}))
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items, cursors} = await collect(provider.pullRequests('PRJ/r', {updatedSince: new Date(2000).toISOString()}))
    expect(items.map((r) => r.pullRequest.id)).toEqual([5, 4])
    expect(cursors).toEqual([null])
    expect(client.calls).toHaveLength(1)
  })

  it('falls back to filtering every page when the order is not by update', async () => {
    const client = new FakeClient((_u, o) => Number(o.query?.start) === 0
      ? {body: {values: [pr(5, 1000), pr(4, 5000), pr(3, 1500)], isLastPage: false, nextPageStart: 3}}
      : {body: {values: [pr(2, 9000)], isLastPage: true}})
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items} = await collect(provider.pullRequests('PRJ/r', {updatedSince: new Date(2000).toISOString()}))
    expect(items.map((r) => r.pullRequest.id)).toEqual([4, 2])
    expect(client.calls).toHaveLength(2)
  })
})

describe('DC commit walks', () => {
  const c = (id: string, parents: string[] = []): unknown => ({id: id.repeat(40), message: id, author: {name: 'A', emailAddress: 'a@x'},
    authorTimestamp: 0, parents: parents.map((p) => ({id: p.repeat(40)}))})

  it('plans one walk per head: the first alone, later ones since the first; unchanged heads need none', () => {
    expect(planCommitWalks(['m', 'f', 'm'], [])).toEqual([{until: 'm', since: null}, {until: 'f', since: 'm'}])
    expect(planCommitWalks(['same', 'f2', 'g2'], ['same', 'f1'])).toEqual([{until: 'f2', since: null}, {until: 'g2', since: 'f2'}])
  })

  it('dedupes commits across walks, stops a walk whose frontier is known, and resumes inside a walk', async () => {
    const client = new FakeClient((_u, o) => {
      if (o.query?.until === 'main') return {body: {values: [c('b', ['a']), c('a')], isLastPage: true}}
      // The feature walk reaches main's commit b (known from walk 0): nothing after it can be new.
      return {body: {values: [c('f', ['b']), c('b', ['a'])], isLastPage: false, nextPageStart: 2}}
    })
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items, cursors} = await collect(provider.commits('PRJ/r', {include: ['main', 'feat'], exclude: []}))
    expect(items.map((r) => r.commit.message)).toEqual(['b', 'a', 'f'])
    expect(client.calls).toHaveLength(2)
    expect(client.calls[1]!.options.query).toMatchObject({until: 'feat', since: 'main', limit: 1000})
    expect(cursors).toEqual([JSON.stringify({w: 1, s: null}), null])

    const resumed = new FakeClient(() => ({body: {values: [c('f')], isLastPage: true}}))
    await collect(createProvider({kind: 'datacenter', connection: 'dc', client: resumed}).commits('PRJ/r',
      {include: ['main', 'feat'], exclude: [], cursor: JSON.stringify({w: 1, s: '1000'})}))
    expect(resumed.calls).toHaveLength(1)
    expect(resumed.calls[0]!.options.query).toMatchObject({until: 'feat', since: 'main', start: 1000})
  })

  it('an incremental walk stops at the excluded old head without pairing heads to exclusions', async () => {
    const h = (x: string): string => x.repeat(40)
    const client = new FakeClient(() => ({body: {values: [c('n', ['m']), c('m', ['o']), c('o', ['p']), c('p')], isLastPage: false, nextPageStart: 4}}))
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items, cursors} = await collect(provider.commits('PRJ/r', {include: [h('n')], exclude: [h('z'), h('m')]}))
    expect(items.map((r) => r.commit.message)).toEqual(['n'])
    expect(cursors).toEqual([null])
    expect(client.calls).toHaveLength(1)
  })

  it('keeps paging while a merged-in parent is still owed', async () => {
    const h = (x: string): string => x.repeat(40)
    const client = new FakeClient((_u, o) => Number(o.query?.start) === 0
      ? {body: {values: [c('n', ['m', 'x']), c('m')], isLastPage: false, nextPageStart: 2}}
      : {body: {values: [c('x')], isLastPage: true}})
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items} = await collect(provider.commits('PRJ/r', {include: [h('n')], exclude: [h('m')]}))
    expect(items.map((r) => r.commit.message)).toEqual(['n', 'x'])
    expect(client.calls).toHaveLength(2)
  })

  it('filters changes by directory prefix on the client', async () => {
    const path = (s: string): unknown => ({components: s.split('/'), toString: s})
    const client = new FakeClient(() => ({body: {values: [{path: path('src/a.ts'), type: 'MODIFY'}, {path: path('srcx/b.ts'), type: 'ADD'},
      {path: path('lib/c.ts'), srcPath: path('src/c.ts'), type: 'MOVE'}], isLastPage: true}}))
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    const {items} = await collect(provider.commitFiles('PRJ/r', 'a'.repeat(40), {pathPrefix: 'src/'}))
    expect(items.map((f) => f.path)).toEqual(['src/a.ts', 'lib/c.ts'])
  })
})

describe('DC identity, version, hooks', () => {
  it('takes the username from X-AUSERNAME and the slug from the user resource', async () => {
    const client = new FakeClient((url) => {
      if (url.endsWith('/projects')) return {body: {values: [], isLastPage: true}, headers: {'x-ausername': 'Bob.Smith'}}
      if (url.endsWith('/users/Bob.Smith')) return {status: 404, body: {}}
      if (url.endsWith('/users')) return {body: {values: [{name: 'Bob.Smith', slug: 'bob.smith', displayName: 'Bob'}]}}
      throw new Error(url)
    })
    const id = await createProvider({kind: 'datacenter', connection: 'dc', client}).identity()
    expect(id).toEqual({id: 'bob.smith', displayName: 'Bob', accountId: 'Bob.Smith', nickname: 'bob.smith', scopes: null, kind: 'user'})
  })

  it('rejects an anonymous answer', async () => {
    const client = new FakeClient(() => ({body: {values: []}}))
    await expect(createProvider({kind: 'datacenter', connection: 'dc', client}).identity()).rejects.toThrow(/anonymous/)
  })

  it('reads the version and keeps secrets in configuration', async () => {
    const client = new FakeClient((url, o) => url.endsWith('application-properties') ? {body: {version: '9.4.2'}} : {body: {id: 3, ...(o.body as object)}})
    const provider = createProvider({kind: 'datacenter', connection: 'dc', client})
    expect(await provider.serverVersion()).toBe('9.4.2')
    const hooks = createWebhookApi({kind: 'datacenter', client})
    const hook = await hooks.create('project', 'PRJ', {url: 'https://x', description: 'd', events: ['pr:opened'], active: true, secret: 's3'})
    expect(client.calls[1]!.pathOrUrl).toBe('/rest/api/latest/projects/PRJ/webhooks')
    expect(client.calls[1]!.options.body).toMatchObject({name: 'd', configuration: {secret: 's3'}})
    expect(hook).toMatchObject({id: '3', hasSecret: true})
    await hooks.update('repo', 'PRJ/r', '3', {url: 'https://x', description: 'd', events: [], active: true})
    expect(client.calls[2]!.options.body).not.toHaveProperty('configuration')
    await expect(hooks.list('workspace', 'w')[Symbol.asyncIterator]().next()).rejects.toThrow(/workspace-level/)
  })
})
