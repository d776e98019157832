/**
 * Contract: every Bitbucket Cloud endpoint the product uses answers, on a generated world, with JSON that
 * validates against the official Cloud 2.0 spec's schema for that operation and status — items, pages
 * and error bodies. Cloud subtypes are `allOf` of the base `object` (required `type`) and their own
 * properties, so a missing or wrong `type` fails here too.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'
import type {WPullRequest, WRepo} from '../../emulator/world/types.js'
import {SpecValidator} from './spec-validator.js'

const RS = '/repositories/{workspace}/{repo_slug}'

describe('Cloud responses validate against the Cloud 2.0 OpenAPI spec', () => {
  const spec = new SpecValidator('cloud')
  let emu: RunningEmulator
  let auth: string
  let repo: WRepo
  let pr: WPullRequest
  let base: string

  async function fetchJson(path: string, init: {method?: string; body?: unknown; auth?: string | null} = {}): Promise<{status: number; body: unknown}> {
    const headers: Record<string, string> = {Accept: 'application/json'}
    const a = init.auth === undefined ? auth : init.auth
    if (a) headers.Authorization = a
    if (init.body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(`${emu.apiBase}${path}`, {method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body)})
    const text = await res.text()
    return {status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined}
  }

  async function check(operation: string, path: string, expectStatus: number, init: {method?: string; body?: unknown; auth?: string | null} = {}): Promise<unknown> {
    const {status, body} = await fetchJson(path, init)
    expect(status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(expectStatus)
    spec.validate(operation, status, body)
    return body
  }

  beforeAll(async () => {
    emu = await startEmulator({flavor: 'cloud', seed: 7, dataset: 'tiny', rateLimit: null})
    auth = (await emu.admin.demoCredential()).authorization
    const repos = emu.world.containers().flatMap((c) => emu.world.repos(c.key))
    for (const r of repos) {
      const d = emu.world.detail(`${r.container}/${r.slug}`)
      const candidate = d.pullRequests.find((p) => p.participants.length > 0 && p.activity.length > 0)
      if (d.commits.length > 0 && candidate) {
        repo = r
        pr = candidate
        break
      }
    }
    expect(repo, 'the tiny world has a repository with a reviewed PR').toBeDefined()
    base = `/repositories/${repo.container}/${repo.slug}`
  })
  afterAll(() => emu.close())

  it('rejects a response that breaks the schema, naming the path and value (the check can fail)', () => {
    expect(() => spec.validate(`GET ${RS}`, 200, {type: 'repository', is_private: 'yes', created_on: 'yesterday'}))
      .toThrow(/\/is_private: must be boolean .*value "yes"[\s\S]*\/created_on: must match format "date-time" .*value "yesterday"/)
    // allOf with the base `object`: the discriminating `type` is required.
    expect(() => spec.validate(`GET ${RS}`, 200, {name: 'x'})).toThrow(/must have required property 'type'/)
  })

  it('user, workspaces, projects and repositories', async () => {
    await check('GET /user', '/user', 200)
    await check('GET /user', '/user', 401, {auth: 'Bearer nope'})
    await check('GET /user/workspaces', '/user/workspaces', 200)
    await check('GET /workspaces/{workspace}', `/workspaces/${repo.container}`, 200)
    await check('GET /user/workspaces/{workspace}/permission', `/user/workspaces/${repo.container}/permission`, 200)
    await check('GET /user/workspaces/{workspace}/permissions/repositories', `/user/workspaces/${repo.container}/permissions/repositories`, 200)
    await check('GET /workspaces/{workspace}', '/workspaces/no-such-workspace', 404)
    await check('GET /workspaces/{workspace}/projects', `/workspaces/${repo.container}/projects`, 200)
    await check('GET /repositories/{workspace}', `/repositories/${repo.container}?pagelen=5`, 200)
    await check(`GET ${RS}`, base, 200)
    await check(`GET ${RS}`, `${base}-nope`, 404)
    await check(`GET ${RS}/refs/branches`, `${base}/refs/branches`, 200)
  })

  it('commits, a commit and its diffstat', async () => {
    const page = (await check(`GET ${RS}/commits`, `${base}/commits`, 200)) as {values: Array<{hash: string}>}
    const hash = page.values[0]?.hash as string
    if (repo.defaultBranch) await check(`GET ${RS}/commits/{revision}`, `${base}/commits/${encodeURIComponent(repo.defaultBranch)}`, 200)
    await check(`GET ${RS}/commit/{commit}`, `${base}/commit/${hash}`, 200)
    await check(`GET ${RS}/commit/{commit}`, `${base}/commit/${'f'.repeat(40)}`, 404)
    await check(`GET ${RS}/diffstat/{spec}`, `${base}/diffstat/${hash}`, 200)
  })

  it('pull requests, a pull request, and its activity', async () => {
    await check(`GET ${RS}/pullrequests`, `${base}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50`, 200)
    await check(`GET ${RS}/pullrequests/{pull_request_id}`, `${base}/pullrequests/${pr.id}`, 200)
    await check(`GET ${RS}/pullrequests/{pull_request_id}`, `${base}/pullrequests/999999`, 404)
    // Spec gap: the activity operation declares no response schema. Check its envelope and the entities
    // it embeds (comments, approving accounts) against their own spec definitions.
    const activity = await fetchJson(`${base}/pullrequests/${pr.id}/activity`)
    expect(activity.status).toBe(200)
    const envelope = {
      type: 'object',
      required: ['values', 'pagelen'],
      properties: {
        pagelen: {type: 'integer'}, next: {type: 'string', format: 'uri'},
        values: {type: 'array', items: {
          type: 'object',
          minProperties: 2,
          properties: {
            comment: spec.ref('pullrequest_comment'),
            approval: {type: 'object', required: ['date', 'user'], properties: {date: {type: 'string', format: 'date-time'}, user: spec.ref('account')}},
            changes_request: {type: 'object', required: ['date', 'user'], properties: {date: {type: 'string', format: 'date-time'}, user: spec.ref('account')}},
            update: {type: 'object', properties: {state: {type: 'string'}, date: {type: 'string', format: 'date-time'}, author: spec.ref('account')}},
            pull_request: {type: 'object', required: ['id'], properties: {id: {type: 'integer'}, type: {type: 'string'}}},
          },
          required: ['pull_request'],
        }},
      },
    }
    spec.validateWith(envelope, activity.body, 'GET …/activity → 200 (envelope + embedded entities)')
    // The repository-level listing (same spec gap): every PR's entries, each naming its pull request.
    const all = await fetchJson(`${base}/pullrequests/activity?pagelen=50`)
    expect(all.status).toBe(200)
    spec.validateWith(envelope, all.body, 'GET …/pullrequests/activity → 200 (envelope + embedded entities)')
    const values = (all.body as {values: Array<{pull_request?: {id?: number}}>}).values
    expect(values.length).toBeGreaterThan(0)
    expect(values.every((v) => typeof v.pull_request?.id === 'number')).toBe(true)
  })

  it('repository and workspace webhooks, scope errors, hook events', async () => {
    const body = {description: 'contract', url: 'https://hooks.example.com/bb', active: true, events: ['repo:push', 'pullrequest:created'], secret: 'x'}
    const created = (await check(`POST ${RS}/hooks`, `${base}/hooks`, 201, {method: 'POST', body})) as {uuid: string}
    await check(`GET ${RS}/hooks`, `${base}/hooks`, 200)
    await check(`GET ${RS}/hooks/{uid}`, `${base}/hooks/${encodeURIComponent(created.uuid)}`, 200)
    await check(`PUT ${RS}/hooks/{uid}`, `${base}/hooks/${encodeURIComponent(created.uuid)}`, 200, {method: 'PUT', body: {...body, description: 'renamed'}})
    await check(`GET ${RS}/hooks/{uid}`, `${base}/hooks/${encodeURIComponent('{00000000-0000-4000-8000-000000000000}')}`, 404)
    const ws = (await check('POST /workspaces/{workspace}/hooks', `/workspaces/${repo.container}/hooks`, 201, {method: 'POST', body})) as {uuid: string}
    await check('GET /workspaces/{workspace}/hooks', `/workspaces/${repo.container}/hooks`, 200)
    await check('GET /workspaces/{workspace}/hooks/{uid}', `/workspaces/${repo.container}/hooks/${encodeURIComponent(ws.uuid)}`, 200)
    await check('PUT /workspaces/{workspace}/hooks/{uid}', `/workspaces/${repo.container}/hooks/${encodeURIComponent(ws.uuid)}`, 200, {method: 'PUT', body})
    // A duplicate event is refused (the spec declares no body for that 400).
    const dup = await fetch(`${emu.apiBase}${base}/hooks`, {method: 'POST', headers: {Authorization: auth, 'Content-Type': 'application/json'}, body: JSON.stringify({...body, events: ['repo:push', 'repo:push']})})
    expect(dup.status).toBe(400)
    // Workspace hooks are for the workspace's owners only.
    const member = emu.world.users()[1]!
    const notOwner = emu.admin.createToken({kind: 'api-token', user: member.uuid})
    await check('GET /workspaces/{workspace}/hooks', `/workspaces/${repo.container}/hooks`, 403, {auth: notOwner.authorization})
    // A token without webhook scopes gets Cloud's 403 with {required, granted} in error.detail (see QUIRKS).
    const reader = emu.admin.createToken({kind: 'api-token', scopes: ['read:repository:bitbucket']})
    await check(`GET ${RS}/hooks`, `${base}/hooks`, 403, {auth: reader.authorization})
    await check('GET /hook_events/{subject_type}', '/hook_events/repository', 200, {auth: null})
  })
})
