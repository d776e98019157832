import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {apiToken, call, cloud, collect, firstRepo} from './helpers.js'

describe('Cloud endpoints', () => {
  let emu: RunningEmulator
  let auth: string
  let repo: {key: string; url: string}

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    auth = apiToken(emu)
    repo = firstRepo(emu)
  })
  afterAll(async () => emu.close())

  it('filters repositories by project key and sorts them', async () => {
    const w = repo.key.split('/')[0] as string
    const project = emu.world.projects(w)[0]!
    const q = encodeURIComponent(`project.key="${project.key}"`)
    const got = await collect(`${emu.apiBase}/repositories/${w}?q=${q}&sort=-name&pagelen=100`, auth)
    const expected = emu.world.repos(w).filter((r) => r.projectKey === project.key).map((r) => r.name).sort().reverse()
    expect(got.values.map((r) => r.name)).toEqual(expected)
    expect((await call(`${emu.apiBase}/repositories/${w}?role=wizard`, {auth})).status).toBe(400)
    const projects = await collect(`${emu.apiBase}/workspaces/${w}/projects`, auth)
    expect(projects.values.map((p) => p.key).sort()).toEqual(emu.world.projects(w).map((p) => p.key).sort())
  })

  it('pages PR activity by cursor, newest first, in Cloud entry shapes', async () => {
    const pr = [...emu.world.detail(repo.key).pullRequests].sort((a, b) => b.activity.length - a.activity.length)[0]!
    const got = await collect(`${repo.url}/pullrequests/${pr.id}/activity?pagelen=2`, auth)
    expect(got.values.length).toBeGreaterThan(0)
    for (const page of got.pages) expect(page.size).toBeUndefined()
    const kinds = ['approval', 'update', 'comment', 'changes_request']
    const dates: number[] = []
    for (const entry of got.values) {
      const kind = Object.keys(entry).filter((k) => k !== 'pull_request')
      expect(kind).toHaveLength(1)
      expect(kinds).toContain(kind[0])
      expect(entry.pull_request.id).toBe(pr.id)
      const inner = entry[kind[0] as string]
      dates.push(Date.parse(inner.date ?? inner.created_on))
    }
    expect(dates).toEqual([...dates].sort((a, b) => b - a))
    // Every current approval in participants has an approval entry.
    const single = await call(`${repo.url}/pullrequests/${pr.id}`, {auth})
    const approvers = single.json.participants.filter((p: {approved: boolean}) => p.approved).map((p: {user: {uuid: string}}) => p.user.uuid)
    const approvalUsers = got.values.filter((e) => e.approval).map((e) => e.approval.user.uuid)
    for (const a of approvers) expect(approvalUsers).toContain(a)
  })

  it('renders commits and diffstats with paths, renames and path filters', async () => {
    const detail = emu.world.detail(repo.key)
    const c = detail.commits.find((x) => x.files.some((f) => f.status === 'renamed')) ?? detail.commits[0]!
    const one = await call(`${repo.url}/commit/${c.hash.slice(0, 10)}`, {auth})
    expect(one.json.hash).toBe(c.hash)
    expect(one.json.author.raw).toBe(`${c.authorName} <${c.authorEmail}>`)
    expect(one.json.parents.map((p: {hash: string}) => p.hash)).toEqual(c.parents)
    const stat = await call(`${repo.url}/diffstat/${c.hash}`, {auth})
    expect(stat.json.values).toHaveLength(c.files.length)
    for (const [i, f] of c.files.entries()) {
      const v = stat.json.values[i]
      expect(v).toMatchObject({type: 'diffstat', status: f.status, lines_added: f.linesAdded, lines_removed: f.linesRemoved})
      expect(v.new?.path ?? null).toBe(f.status === 'removed' ? null : f.path)
      if (f.status === 'added') expect(v.old).toBeNull()
      if (f.status === 'renamed') expect(v.old.path).toBe(f.oldPath)
    }
    const path = c.files[0]!.path
    const filtered = await call(`${repo.url}/diffstat/${c.hash}?path=${encodeURIComponent(path)}`, {auth})
    expect(filtered.json.values.every((v: {new: {path: string} | null; old: {path: string} | null}) => v.new?.path === path || v.old?.path === path)).toBe(true)
    if (c.files.some((f) => f.status === 'renamed')) {
      const split = await call(`${repo.url}/diffstat/${c.hash}?renames=false`, {auth})
      expect(split.json.values.some((v: {status: string}) => v.status === 'renamed')).toBe(false)
    }
    expect((await call(`${repo.url}/commit/0000000000`, {auth})).status).toBe(404)
  })

  it('manages workspace hooks apart from repository hooks', async () => {
    const w = repo.key.split('/')[0] as string
    const created = await call(`${emu.apiBase}/workspaces/${w}/hooks`, {auth, method: 'POST', body: JSON.stringify({url: 'http://127.0.0.1:9/w', events: ['pullrequest:fulfilled']})})
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({subject_type: 'workspace', secret_set: false})
    expect((await call(`${emu.apiBase}/workspaces/${w}/hooks`, {auth})).json.values).toHaveLength(1)
    expect((await call(`${repo.url}/hooks`, {auth})).json.values).toHaveLength(0)
    expect(emu.admin.hooks()[0]?.scope).toEqual({type: 'container', key: w})
  })

  it('applies partial-response fields to any collection', async () => {
    const w = repo.key.split('/')[0] as string
    const slim = await call(`${emu.apiBase}/repositories/${w}?fields=values.slug,values.project.key`, {auth})
    expect(Object.keys(slim.json.values[0])).toEqual(['slug', 'project'])
    expect(Object.keys(slim.json.values[0].project)).toEqual(['key'])
    expect(slim.json.pagelen).toBe(10)
    const noLinks = await call(`${emu.apiBase}/repositories/${w}?fields=-values.links,-values.owner`, {auth})
    expect(noLinks.json.values[0].links).toBeUndefined()
    expect(noLinks.json.values[0].full_name).toBeDefined()
  })

  it('answers the caller\'s workspace and repository permissions', async () => {
    const w = repo.key.split('/')[0] as string
    expect((await call(`${emu.apiBase}/user/workspaces/${w}/permission`, {auth})).json).toMatchObject({type: 'workspace_membership', permission: 'owner'})
    const perms = await collect(`${emu.apiBase}/user/workspaces/${w}/permissions/repositories?pagelen=100`, auth)
    expect(perms.values).toHaveLength(emu.world.repos(w).length)
    expect(perms.values[0]).toMatchObject({type: 'repository_permission', permission: 'admin'})
  })

  it('lists the caller\'s e-mail and workspaces', async () => {
    const user = emu.world.users()[0]!
    expect((await call(`${emu.apiBase}/user/emails`, {auth})).json.values[0]).toMatchObject({email: user.email, is_primary: true})
    const ws = await collect(`${emu.apiBase}/user/workspaces?sort=slug`, auth)
    expect(ws.values.map((v) => v.workspace.slug)).toEqual(emu.world.containers().map((c) => c.key).sort())
  })
})
