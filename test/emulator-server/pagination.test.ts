import {request} from 'node:http'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {apiToken, call, cloud, collect, firstRepo} from './helpers.js'

describe('Cloud pagination', () => {
  let emu: RunningEmulator
  let auth: string
  let repo: {key: string; url: string}

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    auth = apiToken(emu)
    repo = firstRepo(emu)
  })
  afterAll(async () => emu.close())

  it('caps pagelen per endpoint with 400 Invalid pagelen', async () => {
    const w = repo.key.split('/')[0]
    expect((await call(`${emu.apiBase}/repositories/${w}?pagelen=100`, {auth})).status).toBe(200)
    const over = await call(`${emu.apiBase}/repositories/${w}?pagelen=101`, {auth})
    expect(over.status).toBe(400)
    expect(over.json).toEqual({type: 'error', error: {message: 'Invalid pagelen'}})
    expect((await call(`${repo.url}/pullrequests?pagelen=50`, {auth})).status).toBe(200)
    expect((await call(`${repo.url}/pullrequests?pagelen=51`, {auth})).json.error.message).toBe('Invalid pagelen')
    expect((await call(`${repo.url}/pullrequests/1/activity?pagelen=51`, {auth})).status).toBe(400)
    const head = emu.world.detail(repo.key).commits[0]?.hash
    expect((await call(`${repo.url}/diffstat/${head}?pagelen=5000`, {auth})).status).toBe(200)
    expect((await call(`${repo.url}/diffstat/${head}?pagelen=5001`, {auth})).status).toBe(400)
    expect((await call(`${repo.url}/diffstat/${head}`, {auth})).json.pagelen).toBe(500)
  })

  it('lists only OPEN pull requests unless states are asked for', async () => {
    const prs = emu.world.detail(repo.key).pullRequests
    const open = await collect(`${repo.url}/pullrequests?pagelen=50`, auth)
    expect(open.values.map((p) => p.id).sort()).toEqual(prs.filter((p) => p.state === 'OPEN').map((p) => p.id).sort())
    const all = await collect(`${repo.url}/pullrequests?pagelen=7&state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED`, auth)
    expect(all.values).toHaveLength(prs.length)
    expect(new Set(all.values.map((p) => p.id)).size).toBe(prs.length)
    expect(all.requests).toBe(Math.max(1, Math.ceil(prs.length / 7)))
    expect(all.pages[0].size).toBe(prs.length)
  })

  it('renders PR quirks: 12-char hashes, microsecond times, participants only on request', async () => {
    const page = await call(`${repo.url}/pullrequests?state=MERGED&pagelen=50`, {auth})
    const merged = page.json.values[0]
    expect(merged.merge_commit.hash).toMatch(/^[0-9a-f]{12}$/)
    expect(merged.source.commit.hash).toMatch(/^[0-9a-f]{12}$/)
    expect(merged.updated_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/)
    expect(merged.participants).toBeUndefined()
    const withParticipants = await call(`${repo.url}/pullrequests?state=MERGED&pagelen=50&fields=%2Bvalues.participants`, {auth})
    expect(Array.isArray(withParticipants.json.values[0].participants)).toBe(true)
    const single = await call(`${repo.url}/pullrequests/${merged.id}`, {auth})
    expect(Array.isArray(single.json.participants)).toBe(true)
    expect(Array.isArray(single.json.reviewers)).toBe(true)
  })

  it('filters PRs by updated_on with BBQL and sorts', async () => {
    const prs = emu.world.detail(repo.key).pullRequests
    const times = prs.map((p) => p.updatedAt).sort()
    const pivot = times[Math.floor(times.length / 2)] as string
    const q = encodeURIComponent(`updated_on > "${pivot}" AND updated_on >= "1970-01-01T00:00:00+00:00"`)
    const states = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED'
    const got = await collect(`${repo.url}/pullrequests?${states}&q=${q}&sort=-updated_on&pagelen=50`, auth)
    expect(got.values.map((p) => p.id).sort()).toEqual(prs.filter((p) => p.updatedAt > pivot).map((p) => p.id).sort())
    const updated = got.values.map((p) => Date.parse(p.updated_on))
    expect(updated).toEqual([...updated].sort((a, b) => b - a))
    expect((await call(`${repo.url}/pullrequests?q=${encodeURIComponent('updated_on >')}`, {auth})).status).toBe(400)
  })

  it('pages commits by opaque cursor without size or page, through every commit once', async () => {
    const commits = emu.world.detail(repo.key).commits
    const got = await collect(`${repo.url}/commits?pagelen=3`, auth)
    expect(got.values.map((c) => c.hash)).toEqual(commits.map((c) => c.hash))
    for (const page of got.pages) {
      expect(page.size).toBeUndefined()
      expect(page.page).toBeUndefined()
    }
    expect((await call(`${repo.url}/commits?page=2`, {auth})).status).toBe(400)
    expect(got.pages[0].next).toMatch(new RegExp(`^${emu.url}/2\\.0/repositories/.+/commits\\?pagelen=3&page=[0-9a-f]+$`))
  })

  it('walks include/exclude refs, also as a POST form', async () => {
    const detail = emu.world.detail(repo.key)
    const parents = new Map(detail.commits.map((c) => [c.hash, c.parents]))
    const reach = (start: string) => {
      const seen = new Set<string>()
      const stack = [start]
      while (stack.length) {
        const h = stack.pop() as string
        if (seen.has(h)) continue
        seen.add(h)
        stack.push(...(parents.get(h) ?? []))
      }
      return seen
    }
    const main = detail.branches.find((b) => b.name === detail.repo.defaultBranch)
    if (!main) throw new Error('no default branch')
    const fromMain = reach(main.head)
    // A branch with commits main does not have (not merged yet).
    const other = detail.branches.find((b) => !fromMain.has(b.head))
    if (!other) throw new Error('tiny world has no unmerged branch')
    const expected = detail.commits.filter((c) => reach(other.head).has(c.hash) && !fromMain.has(c.hash)).map((c) => c.hash)
    const onlyOther = await collect(`${repo.url}/commits?include=${encodeURIComponent(other.name)}&exclude=${encodeURIComponent(main.name)}&pagelen=100`, auth)
    expect(onlyOther.values.map((c) => c.hash)).toEqual(expected)
    expect(onlyOther.values[0].hash).toBe(other.head)
    const post = await call(`${repo.url}/commits?pagelen=100`, {
      auth,
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams([['include', other.name], ['exclude', main.name]]).toString(),
    })
    expect(post.json.values.map((c: {hash: string}) => c.hash)).toEqual(onlyOther.values.map((c) => c.hash))
    expect((await call(`${repo.url}/commits/${encodeURIComponent(main.name)}?pagelen=1`, {auth})).json.values[0].hash).toBe(main.head)
  })

  it('sees commits pushed after an earlier listing (no stale commit index)', async () => {
    const before = await collect(`${repo.url}/commits?pagelen=100`, auth)
    const pushed = await emu.admin.mutate({type: 'push', repo: repo.key, commits: 2})
    const hashes = pushed.details.commits as string[]
    const after = await collect(`${repo.url}/commits?pagelen=100`, auth)
    expect(after.values).toHaveLength(before.values.length + 2)
    const onlyNew = await collect(`${repo.url}/commits?include=${hashes[hashes.length - 1]}&exclude=${before.values[0].hash}`, auth)
    expect(onlyNew.values.map((c) => c.hash).sort()).toEqual([...hashes].sort())
    expect((await call(`${repo.url}/commit/${hashes[0]}`, {auth})).status).toBe(200)
  })

  it('builds next links on the origin the client used', async () => {
    // fetch() will not let a caller set Host, so speak node:http directly.
    const port = new URL(emu.url).port
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${repo.url}/commits?pagelen=1`, {headers: {Host: `localhost:${port}`, Authorization: auth}}, (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve(text))
      })
      req.on('error', reject)
      req.end()
    })
    expect((JSON.parse(body) as {next: string}).next.startsWith(`http://localhost:${port}/2.0/`)).toBe(true)
  })

  it('answers 404 with a Cloud error body for unknown repositories', async () => {
    const reply = await call(`${emu.apiBase}/repositories/${repo.key.split('/')[0]}/no-such-repo`, {auth})
    expect(reply.status).toBe(404)
    expect(reply.json.type).toBe('error')
    expect(typeof reply.json.error.message).toBe('string')
  })
})
