/**
 * Contract: every Data Center endpoint the product uses answers, on a generated world, with JSON that
 * validates against the official DC 9.4 spec's schema for that operation and status — items, pages and
 * error bodies.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'
import type {WPullRequest, WRepo} from '../../emulator/world/types.js'
import {SpecValidator} from './spec-validator.js'

const P = '/api/latest/projects/{projectKey}'
const R = `${P}/repos/{repositorySlug}`

describe('Data Center responses validate against the DC 9.4 OpenAPI spec', () => {
  const spec = new SpecValidator('datacenter')
  let emu: RunningEmulator
  let auth: string
  let repo: WRepo
  let pr: WPullRequest
  let base: string

  /** GET (or other) a path and validate the body as `operation` → status. */
  async function check(operation: string, path: string, expectStatus: number, init: {method?: string; body?: unknown; auth?: string | null} = {}): Promise<unknown> {
    const headers: Record<string, string> = {Accept: 'application/json'}
    const a = init.auth === undefined ? auth : init.auth
    if (a) headers.Authorization = a
    if (init.body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(`${emu.url}/rest${path}`, {method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body)})
    const body: unknown = await res.json()
    expect(res.status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(expectStatus)
    spec.validate(operation, res.status, body)
    return body
  }

  beforeAll(async () => {
    emu = await startEmulator({flavor: 'datacenter', seed: 7, dataset: 'tiny', rateLimit: null})
    auth = (await emu.admin.demoCredential()).authorization
    const repos = emu.world.containers().flatMap((c) => emu.world.repos(c.key))
    // The richest repository: commits and a PR with reviewers and activity.
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
    base = `/api/latest/projects/${repo.container}/repos/${repo.slug}`
  })
  afterAll(() => emu.close())

  it('rejects a response that breaks the schema, naming the path and value (the check can fail)', () => {
    expect(() => spec.validate(`GET ${R}/pull-requests`, 200, {size: 1, values: [{id: 'one', state: 'SUPERSEDED'}]}))
      .toThrow(/\/values\/0\/id: must be integer .*value "one"[\s\S]*\/values\/0\/state: must be equal to one of the allowed values .*value "SUPERSEDED"/)
  })

  it('server, users, projects and repositories', async () => {
    await check('GET /api/latest/application-properties', '/api/latest/application-properties', 200, {auth: null})
    await check('GET /api/latest/users/{userSlug}', `/api/latest/users/${emu.world.users()[0]?.slug}`, 200)
    await check('GET /api/latest/users/{userSlug}', '/api/latest/users/no-such-user', 404)
    await check('GET /api/latest/projects', '/api/latest/projects?limit=2', 200)
    await check('GET /api/latest/projects/{projectKey}', `/api/latest/projects/${repo.container}`, 200)
    await check('GET /api/latest/projects/{projectKey}', '/api/latest/projects/NOSUCH', 404)
    await check(`GET ${P}/repos`, `/api/latest/projects/${repo.container}/repos?limit=3`, 200)
    await check('GET /api/latest/repos', '/api/latest/repos?limit=5', 200)
    await check('GET /api/latest/repos', '/api/latest/repos?start=-4', 400)
    await check(`GET ${R}`, base, 200)
    await check(`GET ${R}`, `${base}-nope`, 404)
    await check(`GET ${R}`, base, 401, {auth: `Bearer not-a-token`})
    await check(`GET ${R}/default-branch`, `${base}/default-branch`, 200)
  })

  it('branches, commits, a commit and its changes', async () => {
    await check(`GET ${R}/branches`, `${base}/branches`, 200)
    const page = (await check(`GET ${R}/commits`, `${base}/commits?limit=5`, 200)) as {values: Array<{id: string}>}
    const id = page.values[0]?.id as string
    await check(`GET ${R}/commits`, `${base}/commits?until=no-such-ref`, 404)
    await check(`GET ${R}/commits/{commitId}`, `${base}/commits/${id}`, 200)
    await check(`GET ${R}/commits/{commitId}`, `${base}/commits/${'f'.repeat(40)}`, 404)
    await check(`GET ${R}/commits/{commitId}/changes`, `${base}/commits/${id}/changes`, 200)
  })

  it('pull requests, a pull request, its activities and participants', async () => {
    for (const state of ['OPEN', 'MERGED', 'DECLINED', 'ALL']) await check(`GET ${R}/pull-requests`, `${base}/pull-requests?state=${state}&limit=50`, 200)
    await check(`GET ${R}/pull-requests`, `${base}/pull-requests?state=NOPE`, 400)
    await check(`GET ${R}/pull-requests/{pullRequestId}`, `${base}/pull-requests/${pr.id}`, 200)
    await check(`GET ${R}/pull-requests/{pullRequestId}`, `${base}/pull-requests/999999`, 404)
    await check(`GET ${R}/pull-requests/{pullRequestId}/activities`, `${base}/pull-requests/${pr.id}/activities`, 200)
    await check(`GET ${R}/pull-requests/{pullRequestId}/participants`, `${base}/pull-requests/${pr.id}/participants`, 200)
  })

  it('repository and project webhooks, and the connectivity test', async () => {
    const body = {name: 'contract', url: 'http://127.0.0.1:9/hook', events: ['pr:opened', 'repo:refs_changed'], configuration: {secret: 'x'}}
    const created = (await check(`POST ${R}/webhooks`, `${base}/webhooks`, 200, {method: 'POST', body})) as {id: number}
    await check(`POST ${R}/webhooks`, `${base}/webhooks`, 400, {method: 'POST', body: {...body, events: []}})
    await check(`GET ${R}/webhooks/{webhookId}`, `${base}/webhooks/${created.id}`, 200)
    await check(`PUT ${R}/webhooks/{webhookId}`, `${base}/webhooks/${created.id}`, 200, {method: 'PUT', body: {...body, name: 'renamed'}})
    await check(`GET ${R}/webhooks/{webhookId}`, `${base}/webhooks/424242`, 404)
    const project = (await check(`POST ${P}/webhooks`, `/api/latest/projects/${repo.container}/webhooks`, 200, {method: 'POST', body})) as {id: number}
    await check(`GET ${P}/webhooks/{webhookId}`, `/api/latest/projects/${repo.container}/webhooks/${project.id}`, 200)
    await check(`PUT ${P}/webhooks/{webhookId}`, `/api/latest/projects/${repo.container}/webhooks/${project.id}`, 200, {method: 'PUT', body})
    await check(`POST ${R}/webhooks/test`, `${base}/webhooks/test?url=${encodeURIComponent('http://127.0.0.1:9/x')}`, 200, {method: 'POST'})
    await check(`POST ${P}/webhooks/test`, `/api/latest/projects/${repo.container}/webhooks/test?url=${encodeURIComponent('http://127.0.0.1:9/x')}`, 200, {method: 'POST'})
    await check(`POST ${R}/webhooks`, `${base}/webhooks`, 400, {method: 'POST', body: {...body, events: ['pr:reviewer:changes_requested']}})

    // The delivery log: nothing yet (204), then the failed delivery to a closed port.
    const latest = `${base}/webhooks/${created.id}/latest?outcome=ERROR`
    const none = await fetch(`${emu.url}/rest${latest}`, {headers: {Authorization: auth}})
    expect(none.status).toBe(204)
    await emu.admin.mutate({type: 'push', repo: `${repo.container}/${repo.slug}`, commits: 1}, {wait: true})
    const failed = (await check(`GET ${R}/webhooks/{webhookId}/latest`, latest, 200)) as {event: string; result: {outcome: string}}
    expect(failed).toMatchObject({event: 'repo:refs_changed', result: {outcome: 'ERROR'}})

    // Spec gap: GET …/webhooks declares "a page of webhooks" with no schema; check it as a DC page of RestWebhook.
    const res = await fetch(`${emu.url}/rest${base}/webhooks`, {headers: {Authorization: auth}})
    const list: unknown = await res.json()
    spec.validateWith({
      type: 'object',
      required: ['size', 'limit', 'isLastPage', 'values', 'start'],
      properties: {size: {type: 'integer'}, limit: {type: 'integer'}, isLastPage: {type: 'boolean'}, start: {type: 'integer'}, nextPageStart: {type: 'integer'}, values: {type: 'array', items: spec.ref('RestWebhook')}},
    }, list, 'GET …/webhooks → 200 (page of RestWebhook)')
    expect((list as {values: unknown[]}).values).toHaveLength(1)

    // Same gap for …/webhooks/search: the repository's hooks plus its project's.
    const found: unknown = await (await fetch(`${emu.url}/rest${base}/webhooks/search`, {headers: {Authorization: auth}})).json()
    spec.validateWith({
      type: 'object',
      required: ['size', 'limit', 'isLastPage', 'values', 'start'],
      properties: {size: {type: 'integer'}, limit: {type: 'integer'}, isLastPage: {type: 'boolean'}, start: {type: 'integer'}, nextPageStart: {type: 'integer'}, values: {type: 'array', items: spec.ref('RestWebhook')}},
    }, found, 'GET …/webhooks/search → 200 (page of RestWebhook)')
    expect((found as {values: Array<{scopeType: string}>}).values.map((h) => h.scopeType)).toEqual(['repository', 'project'])
  })
})
