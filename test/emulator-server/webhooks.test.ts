import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'
import type {IncomingHttpHeaders, Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {apiToken, call, cloud, firstRepo} from './helpers.js'

interface Received {
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A webhook receiver answering with the given statuses in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{url: string; received: Received[]; server: Server}> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({headers: req.headers, body: Buffer.concat(chunks)})
      res.writeHead(statuses.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server}
}

function verify(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  const got = Buffer.from(header.slice(7), 'hex')
  return got.length === expected.length && timingSafeEqual(got, expected)
}

describe('webhooks', () => {
  let emu: RunningEmulator
  let auth: string
  let repo: {key: string; url: string}
  const servers: Server[] = []

  beforeAll(async () => {
    emu = await cloud({rateLimit: null, webhooks: {retryDelayMs: 10}})
    auth = apiToken(emu)
    repo = firstRepo(emu)
  })
  afterAll(async () => {
    await emu.close()
    for (const s of servers) s.close()
  })

  it('manages subscriptions with a write-only secret', async () => {
    const created = await call(`${repo.url}/hooks`, {auth, method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({description: 'x', url: 'http://127.0.0.1:9/x', active: true, secret: 's3cret', events: ['repo:push']})})
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({type: 'webhook_subscription', subject_type: 'repository', secret_set: true, events: ['repo:push']})
    expect(created.json.secret).toBeUndefined()
    expect(created.json.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/)
    const uid = encodeURIComponent(created.json.uuid)
    const kept = await call(`${repo.url}/hooks/${uid}`, {auth, method: 'PUT', body: JSON.stringify({description: 'renamed'})})
    expect(kept.json).toMatchObject({description: 'renamed', secret_set: true})
    expect((await call(`${repo.url}/hooks/${uid}`, {auth, method: 'PUT', body: JSON.stringify({secret: null})})).json.secret_set).toBe(false)
    expect((await call(`${repo.url}/hooks`, {auth, method: 'POST', body: JSON.stringify({url: 'http://127.0.0.1/x', events: ['repo:nope']})})).status).toBe(400)
    expect((await call(`${repo.url}/hooks`, {auth})).json.values).toHaveLength(1)
    expect((await call(`${repo.url}/hooks/${uid}`, {auth, method: 'DELETE'})).status).toBe(204)
    expect((await call(`${repo.url}/hooks/${uid}`, {auth})).status).toBe(404)
    const events = await call(`${emu.apiBase}/hook_events/repository`)
    expect(events.status).toBe(200)
    expect(events.json.values.map((e: {event: string}) => e.event)).toContain('pullrequest:fulfilled')
  })

  it('delivers signed payloads on mutations and retries 5xx with the same request UUID', async () => {
    const target = await receiver([500, 503])
    servers.push(target.server)
    const secret = 'It’s a secret to everybody'
    const hook = await call(`${repo.url}/hooks`, {auth, method: 'POST', body: JSON.stringify({url: target.url, secret, events: ['pullrequest:created', 'pullrequest:approved']})})
    expect(hook.status).toBe(201)

    const outcome = await call(`${emu.url}/_admin/mutations?wait=1`, {method: 'POST', body: JSON.stringify({type: 'pr.create', repo: repo.key, title: 'Webhook test'})})
    expect(outcome.status).toBe(200)
    expect(outcome.json.deliveries).toHaveLength(1)
    expect(target.received).toHaveLength(3)
    const [first, , last] = target.received as [Received, Received, Received]
    expect(last.headers['x-request-uuid']).toBe(first.headers['x-request-uuid'])
    expect(target.received.map((r) => r.headers['x-attempt-number'])).toEqual(['1', '2', '3'])
    expect(last.headers['x-event-key']).toBe('pullrequest:created')
    expect(last.headers['user-agent']).toBe('Bitbucket-Webhooks/2.0')
    expect(last.headers['x-hook-uuid']).toBe(hook.json.uuid.replace(/[{}]/g, ''))
    expect(verify(secret, last.body, last.headers['x-hub-signature'] as string)).toBe(true)
    expect(verify('wrong', last.body, last.headers['x-hub-signature'] as string)).toBe(false)
    const payload = JSON.parse(last.body.toString('utf8'))
    expect(payload.pullrequest.id).toBe(outcome.json.details.id)
    expect(payload.repository.full_name).toBe(repo.key)

    const deliveries = (await call(`${emu.url}/_admin/deliveries`)).json
    expect(deliveries.at(-1)).toMatchObject({eventKey: 'pullrequest:created', outcome: 'delivered'})
    expect(deliveries.at(-1).attempts.map((a: {status: number}) => a.status)).toEqual([500, 503, 200])
  })

  it('sends no signature without a secret, and nothing for unsubscribed events', async () => {
    const target = await receiver()
    servers.push(target.server)
    await call(`${repo.url}/hooks`, {auth, method: 'POST', body: JSON.stringify({url: target.url, events: ['repo:push']})})
    await emu.admin.mutate({type: 'pr.comment', repo: repo.key, id: emu.world.detail(repo.key).pullRequests[0]!.id}, {wait: true})
    expect(target.received).toHaveLength(0)
    await emu.admin.mutate({type: 'push', repo: repo.key, commits: 1}, {wait: true})
    expect(target.received).toHaveLength(1)
    expect(target.received[0]!.headers['x-hub-signature']).toBeUndefined()
    expect(JSON.parse(target.received[0]!.body.toString()).push.changes[0].new.type).toBe('branch')
  })

  it('times out a silent receiver, retries, and does not hold close() open', async () => {
    const silent = createServer(() => {
      // never answers
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    servers.push(silent)
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`
    const local = await cloud({rateLimit: null, webhooks: {timeoutMs: 100, retryDelayMs: 10}})
    const token = apiToken(local)
    const target = firstRepo(local)
    await call(`${target.url}/hooks`, {auth: token, method: 'POST', body: JSON.stringify({url, events: ['repo:push']})})
    await local.admin.mutate({type: 'push', repo: target.key}, {wait: true})
    const delivery = local.admin.deliveries()[0]!
    expect(delivery.outcome).toBe('failed')
    expect(delivery.attempts.map((a) => a.error)).toEqual([expect.stringMatching(/timed out/), expect.stringMatching(/timed out/), expect.stringMatching(/timed out/)])

    const slow = await cloud({rateLimit: null})
    await call(`${firstRepo(slow).url}/hooks`, {auth: apiToken(slow), method: 'POST', body: JSON.stringify({url, events: ['repo:push']})})
    await slow.admin.mutate({type: 'push', repo: firstRepo(slow).key})
    const started = Date.now()
    await slow.close()
    expect(Date.now() - started).toBeLessThan(2000)
    await local.close()
    silent.closeAllConnections()
  })
})
