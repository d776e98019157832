/**
 * Hostile input to the receiver: every request below is refused with its specified status, the
 * store is unchanged by all of them, and the listener is still alive and applying real deliveries.
 */
import {createHmac, randomBytes} from 'node:crypto'
import {request} from 'node:http'
import {connect} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createProvider} from '../../../src/core/provider/index.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import type {Store} from '../../../src/core/store/types.js'
import type {ListenEvent, Listener} from '../../../src/core/webhooks/listen.js'
import {startListener} from '../../../src/core/webhooks/listen.js'
import {CONNECTION, expectStoreEqualsTruth, startSyncRig, storeLines} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'

const sign = (secret: string, body: string | Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

interface Answer {
  status: number | null
  error: string | null
}

/** One request with node:http (fetch forbids some of these); a reset connection is an answer too. */
function send(url: string, options: {method?: string; headers?: Record<string, string>; body?: string | Buffer}): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, {method: options.method ?? 'POST', headers: options.headers}, (res) => {
      res.resume()
      res.on('end', () => resolve({status: res.statusCode ?? null, error: null}))
      res.on('error', (e) => resolve({status: res.statusCode ?? null, error: e.message}))
    })
    req.on('error', (e) => resolve({status: null, error: e.message}))
    req.end(options.body)
  })
}

describe('webhooks listen under attack (Cloud)', () => {
  let rig: SyncRig
  let store: Store
  let listener: Listener
  const events: ListenEvent[] = []
  const secret = randomBytes(32).toString('hex')
  let repo = ''
  let pr: {id: number; json: string}
  let before: Record<string, string[]> = {}

  async function snapshot(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {}
    for (const entity of ENTITY_NAMES) out[entity] = await storeLines(rig, store, entity)
    return out
  }

  const valid = (body: string, extra: Record<string, string> = {}) => ({
    'Content-Type': 'application/json', 'X-Event-Key': 'pullrequest:updated', 'X-Request-UUID': randomBytes(16).toString('hex'),
    'X-Hub-Signature': sign(secret, body), ...extra,
  })

  beforeAll(async () => {
    rig = await startSyncRig('cloud', 'tiny')
    store = await rig.store()
    expect((await rig.sync(store)).error).toBeNull()
    listener = await startListener({
      connection: CONNECTION, host: '127.0.0.1', port: 0, path: '/', secret, repos: [], resyncEveryMs: 3_600_000,
      limits: {headersTimeoutMs: 1000, requestTimeoutMs: 2000},
    }, {
      provider: createProvider({kind: 'cloud', connection: CONNECTION, client: rig.client()}),
      store,
      emit: (e) => {
        if (e.type === 'delivery' || e.type === 'applied' || e.type === 'applyFailed') events.push(e)
      },
    })
    await listener.ready
    const open = [...rig.emu.world.truth('cloud', 'pullRequest', CONNECTION)].find((p) => p.state === 'OPEN')!
    repo = open.repo
    // A payload naming a real PR: it would be applied if it got through.
    pr = {id: open.id, json: JSON.stringify({repository: {full_name: repo}, pullrequest: {id: open.id}, actor: {}})}
    // Change the PR on the emulator without a hook: only a delivery that gets through could bring it in.
    await rig.emu.admin.mutate({type: 'pr.approve', repo, id: open.id})
    before = await snapshot()
  })
  afterAll(async () => {
    await listener?.stop()
    await store?.close()
    await rig?.close()
  })

  it('answers each attack with its status and changes nothing', async () => {
    const url = listener.url
    const other = JSON.stringify({repository: {full_name: repo}, pullrequest: {id: pr.id + 1000}})
    const cases: Array<[string, Promise<Answer>, number]> = [
      ['no signature', send(url, {headers: {'X-Event-Key': 'pullrequest:updated', 'X-Request-UUID': 'a1'}, body: pr.json}), 401],
      ['wrong signature', send(url, {headers: valid(pr.json, {'X-Hub-Signature': sign('not-the-secret', pr.json)}), body: pr.json}), 401],
      ['sha1 signature', send(url, {headers: valid(pr.json, {'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(pr.json).digest('hex')}`}), body: pr.json}), 401],
      ['signature over another body', send(url, {headers: valid(other), body: pr.json}), 401],
      ['malformed JSON', send(url, {headers: valid('{"repository":'), body: '{"repository":'}), 400],
      ['unknown event key', send(url, {headers: valid(pr.json, {'X-Event-Key': 'pullrequest:exploded'}), body: pr.json}), 400],
      ['no event key', send(url, {headers: {'X-Request-UUID': 'a2', 'X-Hub-Signature': sign(secret, pr.json)}, body: pr.json}), 400],
      ['GET', send(url, {method: 'GET'}), 405],
      ['PUT', send(url, {method: 'PUT', headers: valid(pr.json), body: pr.json}), 405],
    ]
    for (const [name, answer, status] of cases) expect((await answer).status, name).toBe(status)

    // 5 MiB, declared: refused before it is read.
    const big = Buffer.alloc(5 * 1024 * 1024, 0x20)
    const declared = await send(url, {headers: valid(pr.json), body: big})
    expect(declared.status === 413 || declared.error !== null, JSON.stringify(declared)).toBe(true)
    // 5 MiB, chunked (no length): reading stops past 1 MiB; the answer is 413 or the connection is cut.
    const chunked = await new Promise<Answer>((resolve) => {
      const req = request(url, {method: 'POST', headers: {...valid(pr.json), 'Transfer-Encoding': 'chunked'}}, (res) => {
        res.resume()
        resolve({status: res.statusCode ?? null, error: null})
      })
      req.on('error', (e) => resolve({status: null, error: e.message}))
      for (let i = 0; i < 80; i++) req.write(Buffer.alloc(64 * 1024, 0x20))
      req.end()
    })
    expect(chunked.status === 413 || chunked.error !== null, JSON.stringify(chunked)).toBe(true)
    expect(events.filter((e) => e.type === 'delivery' && e.httpStatus === 413).length).toBeGreaterThanOrEqual(1)

    // 200 bad requests at once.
    const flood = await Promise.all(Array.from({length: 200}, (_, i) => send(url, {headers: valid(pr.json, {'X-Hub-Signature': sign(`x${i}`, pr.json)}), body: pr.json})))
    expect(flood.map((a) => a.status)).toEqual(flood.map(() => 401))

    expect(events.filter((e) => e.type === 'applied')).toEqual([])
    expect(await snapshot()).toEqual(before)
  })

  it('cuts off a slow-loris client that never finishes its headers', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const {port} = new URL(listener.url)
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Event-Key: repo:push\r\n')
        const drip = setInterval(() => socket.write('X'), 200)
        socket.on('close', () => {
          clearInterval(drip)
          resolve(true)
        })
      })
      socket.on('error', () => undefined)
    })
    expect(closed).toBe(true)
  })

  it('is still alive: a replayed id is answered 200 and not applied again, a real delivery is applied', async () => {
    const id = 'first-real-delivery'
    const first = await send(listener.url, {headers: valid(pr.json, {'X-Request-UUID': id}), body: pr.json})
    expect(first.status).toBe(202)
    await listener.idle()
    const replay = await send(listener.url, {headers: valid(pr.json, {'X-Request-UUID': id}), body: pr.json})
    expect(replay.status).toBe(200)
    await listener.idle()
    expect(events.filter((e) => e.type === 'applied').map((e) => (e as {id: string}).id)).toEqual([id])
    await expectStoreEqualsTruth(rig, store)
  })
})
