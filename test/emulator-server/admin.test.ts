import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {apiToken, call, cloud, collect, firstRepo} from './helpers.js'

describe('admin API', () => {
  let emu: RunningEmulator
  let auth: string
  let repo: {key: string; url: string}

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    auth = apiToken(emu)
    repo = firstRepo(emu)
  })
  afterAll(async () => emu.close())

  it('creates tokens over HTTP and revokes them', async () => {
    const user = emu.world.users()[1]!
    const created = await call(`${emu.url}/_admin/tokens`, {method: 'POST', body: JSON.stringify({kind: 'api-token', user: user.slug, scopes: ['read:user:bitbucket']})})
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({kind: 'api-token', user: user.uuid, login: user.email})
    expect((await call(`${emu.apiBase}/user`, {auth: created.json.authorization})).json.uuid).toBe(user.uuid)
    expect((await call(`${emu.url}/_admin/tokens/${created.json.id}/revoke`, {method: 'POST'})).status).toBe(200)
    expect((await call(`${emu.apiBase}/user`, {auth: created.json.authorization})).status).toBe(401)
    expect((await call(`${emu.url}/_admin/tokens`, {method: 'POST', body: JSON.stringify({kind: 'api-token', user: 'nobody'})})).status).toBe(400)
  })

  it('serves the truth as NDJSON and mutations show up in the API and the truth', async () => {
    const truth = await call(`${emu.url}/_admin/truth?entity=pullRequest&connection=default`)
    expect(truth.headers.get('content-type')).toMatch(/ndjson/)
    const before = truth.text.trim().split('\n').map((l) => JSON.parse(l))
    expect(before).toEqual(emu.admin.truth('pullRequest'))

    const created = await call(`${emu.url}/_admin/mutations`, {method: 'POST', body: JSON.stringify({type: 'pr.create', repo: repo.key, title: 'From the admin API'})})
    const id = created.json.details.id as number
    const listed = await collect(`${repo.url}/pullrequests?pagelen=50`, auth)
    expect(listed.values.find((p) => p.id === id)?.title).toBe('From the admin API')
    const after = emu.admin.truth('pullRequest')
    expect(after).toHaveLength(before.length + 1)
    expect(after.find((p) => p.repo === repo.key && p.id === id)?.state).toBe('OPEN')

    await emu.admin.mutate({type: 'pr.merge', repo: repo.key, id})
    const merged = await call(`${repo.url}/pullrequests/${id}`, {auth})
    expect(merged.json.state).toBe('MERGED')
    expect(merged.json.merge_commit.hash).toHaveLength(12)
    const full = emu.admin.truth('pullRequest').find((p) => p.repo === repo.key && p.id === id)?.mergeCommit
    expect(full?.startsWith(merged.json.merge_commit.hash)).toBe(true)
  })

  it('counts requests per route and reports the minimum', async () => {
    await call(`${emu.url}/_admin/stats/reset`, {method: 'POST'})
    await call(`${emu.apiBase}/user`, {auth})
    await call(`${repo.url}/pullrequests`, {auth})
    await call(`${repo.url}/pullrequests`, {auth})
    await call(`${emu.apiBase}/nowhere`, {auth})
    const stats = (await call(`${emu.url}/_admin/stats`)).json
    expect(stats.total).toBe(4)
    expect(stats.byRoute).toMatchObject({'GET /2.0/user': 1, 'GET /2.0/repositories/:workspace/:repo_slug/pullrequests': 2, 'GET (unmatched)': 1})
    expect(stats.byStatus).toMatchObject({200: 3, 404: 1})
    const minimum = (await call(`${emu.url}/_admin/minimum?commitFiles=1&reviews=1`)).json
    expect(minimum.requests).toBe(emu.world.minimumRequests('cloud', {commitFiles: true, reviews: true}))
    expect((await call(`${emu.url}/_admin/nope`)).status).toBe(404)
  })
})

describe('admin conveniences', () => {
  it('rejects impossible mutations with 400 and prepares the demo', async () => {
    const emu = await cloud({rateLimit: null})
    try {
      const bad = await call(`${emu.url}/_admin/mutations`, {method: 'POST', body: JSON.stringify({type: 'pr.approve', repo: 'nope/nope', id: 1})})
      expect(bad.status).toBe(400)
      const login = await emu.admin.demoCredential()
      const me = await call(`${emu.apiBase}/user`, {auth: `Basic ${Buffer.from(`${login.email}:${login.token}`).toString('base64')}`})
      expect(me.status).toBe(200)
      const before = emu.admin.truth('pullRequest').length
      expect(await emu.admin.demoChanges()).toMatch(/PR #\d+ opened and approved, \d+ commits pushed/)
      expect(emu.admin.truth('pullRequest')).toHaveLength(before + 1)
    } finally {
      await emu.close()
    }
  })
})
