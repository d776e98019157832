/**
 * Data Center delivers each event once (no retry) with its own X-Request-Id, and a hook whose
 * deliveries fail 5 times in a row is skipped for a while (the circuit breaker), so a receiver that
 * was down misses events — which is why the listener catches up with a sync.
 */
import {createServer} from 'node:http'
import type {IncomingHttpHeaders, Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'

describe('Data Center webhook delivery', () => {
  let emu: RunningEmulator
  let server: Server
  const received: IncomingHttpHeaders[] = []
  let status = 500
  let repo = ''
  let prId = 0

  beforeAll(async () => {
    emu = await startEmulator({flavor: 'datacenter', dataset: 'tiny', seed: 5, rateLimit: null})
    server = createServer((req, res) => {
      received.push(req.headers)
      req.resume()
      req.on('end', () => res.writeHead(status).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const open = [...emu.world.truth('datacenter', 'pullRequest', 'default')].find((p) => p.state === 'OPEN')!
    repo = open.repo
    prId = open.id
    emu.state.hooks.add({
      id: '7', scope: {type: 'repository', key: repo}, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      description: 'x', events: ['pr:comment:added'], active: true, secret: 'sekrit', createdAt: new Date().toISOString(), extra: {},
    })
  })
  afterAll(async () => {
    await emu.close()
    server.close()
  })

  it('sends one attempt per event with X-Request-Id (no Cloud headers), and skips the hook after 5 failures', async () => {
    for (let i = 0; i < 5; i++) await emu.admin.mutate({type: 'pr.comment', repo, id: prId}, {wait: true})
    expect(received).toHaveLength(5)
    expect(received.every((h) => typeof h['x-request-id'] === 'string' && h['x-request-uuid'] === undefined && h['x-attempt-number'] === undefined)).toBe(true)
    expect(received.every((h) => String(h['x-hub-signature']).startsWith('sha256='))).toBe(true)
    expect(new Set(received.map((h) => h['x-request-id'])).size).toBe(5)
    status = 200
    await emu.admin.mutate({type: 'pr.comment', repo, id: prId}, {wait: true})
    expect(received).toHaveLength(5)
    expect(emu.admin.deliveries().at(-1)!.outcome).toBe('skipped')
  })
})
