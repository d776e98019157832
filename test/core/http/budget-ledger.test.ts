import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, describe, expect, it} from 'vitest'

import {FileBudgetLedger, ledgerKey, MemoryBudgetLedger} from '../../../src/core/http/budget-ledger.js'
import type {Harness} from './helpers.js'
import {credential, CLOUD_BASE, eventsOf, harness, script} from './helpers.js'

const PATH = '/2.0/repositories/ws'
const ok = {status: 200, body: {}}
const HOUR = 3_600_000
const MIN = 60_000

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

describe('the budget a principal spent survives the process', () => {
  it('a run that follows another counts what the first spent', async () => {
    const ledger = new MemoryBudgetLedger()
    h = harness({budgetLedger: ledger, limiter: {requestsPerWindow: 1000}})
    script(h.pool, PATH, [ok])
    for (let i = 0; i < 88; i++) await h.client.request('/repositories/ws')
    const at = h.clock.now()
    await h.close()

    h = harness({budgetLedger: ledger, limiter: {requestsPerWindow: 1000}})
    h.clock.time = at + 5 * MIN
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    expect(h.client.rateLimits()[0]).toMatchObject({used: 89, remaining: 911, limit: 1000})
  })

  it('a run right after one that spent the whole window waits for it instead of starting at full budget', async () => {
    const ledger = new MemoryBudgetLedger()
    h = harness({budgetLedger: ledger, limiter: {requestsPerWindow: 3, windowMs: HOUR}})
    script(h.pool, PATH, [ok])
    for (let i = 0; i < 3; i++) await h.client.request('/repositories/ws')
    const at = h.clock.now()
    await h.close()

    h = harness({budgetLedger: ledger, limiter: {requestsPerWindow: 3, windowMs: HOUR}})
    h.clock.time = at + MIN
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    const waits = eventsOf(h.events, 'rateLimitWait')
    expect(waits).toHaveLength(1)
    expect(waits[0]).toMatchObject({reason: 'window'})
    // The first run's requests (bucket at its start) leave the window an hour (+ one bucket) later.
    expect(h.clock.sleeps).toEqual([HOUR + MIN - MIN])
  })

  it('keys the ledger by a hash of host and principal, never the principal or a secret', async () => {
    const ledger = new MemoryBudgetLedger()
    const cred = credential('a/1', 'cloud-user:{a-uuid}', 'token-very-secret')
    h = harness({budgetLedger: ledger, credentials: [cred]})
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    await h.close()
    const keys = [...ledger.records.keys()]
    expect(keys).toEqual([ledgerKey(CLOUD_BASE, 'cloud-user:{a-uuid}')])
    expect(keys[0]).not.toContain('a-uuid')
    expect(JSON.stringify([...ledger.records])).not.toContain('token-very-secret')
    expect(ledgerKey('https://other.example/2.0', 'cloud-user:{a-uuid}')).not.toBe(keys[0])
  })

  it('the file ledger is written atomically with mode 0600, and a corrupt file is only a lost estimate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbi-ledger-'))
    dirs.push(dir)
    const file = new FileBudgetLedger(path.join(dir, 'data', 'budget.json'))
    await file.record('k1', {spent: [[1000, 5]], limit: 1000, remaining: 995, windowEndsAt: 2000, throttledUntil: null, at: Date.now()})
    await file.record('k2', {spent: [[1000, 2]], limit: 1000, remaining: 998, windowEndsAt: 2000, throttledUntil: null, at: Date.now()})
    expect((await file.load('k1'))?.remaining).toBe(995)
    expect((await file.load('k2'))?.spent).toEqual([[1000, 2]])
    expect(statSync(file.path).mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(file.path)).mode & 0o777).toBe(0o700)
    expect(JSON.parse(readFileSync(file.path, 'utf8')).version).toBe(1)
    writeFileSync(file.path, 'junk{')
    expect(await file.load('k1')).toBeNull()
    await file.record('k1', {spent: [], limit: null, remaining: null, windowEndsAt: null, throttledUntil: null, at: Date.now()})
    expect((await file.load('k1'))?.spent).toEqual([])
  })
})

describe('a Cloud 429 without Retry-After waits for the window', () => {
  it('waits past the retry budget with the limiter countdown, shows 0 left while refused, and loses nothing', async () => {
    h = harness({retry: {maxAttempts: 3}, limiter: {requestsPerWindow: 100_000}})
    script(h.pool, PATH, [{status: 429}, {status: 429}, {status: 429}, {status: 429}, {status: 429}, ok])
    const res = await h.client.request('/repositories/ws')
    expect(res.status).toBe(200)
    expect(h.calls()).toHaveLength(6)
    const waits = eventsOf(h.events, 'rateLimitWait')
    // Quick backoff first, then the window (the same reason and countdown as the proactive limiter).
    expect(waits.map((w) => w.reason)).toEqual(['429', '429', 'window', 'window', 'window'])
    // While refused, the gauge is empty: the server said nothing is left, whatever our count says.
    const waiting = eventsOf(h.events, 'rateLimit').filter((e) => e.state.waitingUntil !== null)
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.every((e) => e.state.remaining === 0)).toBe(true)
    expect(h.client.rateLimits()[0]?.remaining).toBeGreaterThan(0)
  })

  it('when this principal spent the window itself, waits for its oldest request to leave it', async () => {
    h = harness({retry: {maxAttempts: 1}, limiter: {requestsPerWindow: 2, windowMs: HOUR}})
    // Our count says one is left; the server disagrees (its limit is lower than configured).
    script(h.pool, PATH, [ok, {status: 429}, ok])
    await h.client.request('/repositories/ws')
    h.clock.advance(MIN)
    await h.client.request('/repositories/ws')
    // The refused request counted too: our count (2) explains the 429, so the wait is for the window.
    expect(h.clock.sleeps).toEqual([HOUR + MIN - MIN])
  })
})
