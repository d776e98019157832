/**
 * The shared budget in PostgreSQL: window sizing so no rolling hour exceeds the limit, the cap per
 * window held across two ledgers (two processes) and a 429 pause seen by every ledger.
 */
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PostgresBudgetLedger, ensureLedgerTable, planWindows, readBudgets, rateWindowFromEnv} from '../../../src/core/http/ledger-postgres.js'
import {pgAvailable, startPgServer} from '../store/pg-server.js'
import type {PgServer} from '../store/pg-server.js'

describe('window plan', () => {
  it('1,000/h becomes 16 per 60 s: at most 61 windows overlap a rolling hour, 976 ≤ 1,000', () => {
    const plan = planWindows(1000)
    expect(plan).toEqual({windowMs: 60_000, cap: 16, periodMs: 3_600_000, limit: 1000})
    expect((plan.periodMs / plan.windowMs + 1) * plan.cap).toBeLessThanOrEqual(1000)
  })

  it('a shorter window scales the hour with it', () => {
    expect(planWindows(128, 100)).toEqual({windowMs: 100, cap: 2, periodMs: 6000, limit: 128})
  })

  it('refuses a limit too small to share and a bad window', () => {
    expect(() => planWindows(61)).toThrow(/too small/)
    expect(() => rateWindowFromEnv({BB_INTEGRATE_RATE_WINDOW_MS: 'soon'})).toThrow(/BB_INTEGRATE_RATE_WINDOW_MS/)
    expect(rateWindowFromEnv({})).toBe(60_000)
  })
})

/** Stops the take loop at its first wait and reports how long it would have slept. */
class Waited extends Error {
  constructor(readonly ms: number) {
    super(`would wait ${ms} ms`)
  }
}
const noWait = async (ms: number): Promise<void> => {
  throw new Waited(ms)
}

describe.skipIf(!pgAvailable())('PostgresBudgetLedger', () => {
  let server: PgServer
  let pool: pg.Pool
  beforeAll(async () => {
    server = (await startPgServer()) as PgServer
    pool = new pg.Pool({connectionString: await server.createDatabase('ledger')})
    await ensureLedgerTable(pool)
  }, 60_000)
  afterAll(async () => {
    await pool?.end()
    await server?.stop()
  })

  it('two ledgers share one cap per window; the next take waits for the window to end', async () => {
    // A century-long window: the test cannot straddle a window boundary.
    const century = 100 * 365 * 86_400_000
    const plan = {windowMs: century, cap: 3, periodMs: century * 60, limit: 186}
    const a = new PostgresBudgetLedger(pool, plan, noWait)
    const b = new PostgresBudgetLedger(pool, plan, noWait)
    const results = await Promise.allSettled([a.take('p1'), b.take('p1'), a.take('p1'), b.take('p1'), a.take('p1')])
    const taken = results.filter((r) => r.status === 'fulfilled').length
    const waits = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Waited] : []))
    expect(taken).toBe(3)
    expect(waits).toHaveLength(2)
    for (const w of waits) {
      expect(w).toBeInstanceOf(Waited)
      expect(w.ms).toBeGreaterThan(0)
      expect(w.ms).toBeLessThanOrEqual(century)
    }
    // Another principal has its own budget.
    await expect(a.take('p2')).resolves.toBeUndefined()
    const rows = await readBudgets(pool)
    expect(rows.map((r) => [r.principal, r.used, r.cap, r.total])).toEqual([['p1', 3, 3, 3], ['p2', 1, 3, 1]])
  })

  it('a 429 reported by one ledger pauses the principal for the other', async () => {
    const plan = {windowMs: 60_000, cap: 1000, periodMs: 3_600_000, limit: 62_000}
    const a = new PostgresBudgetLedger(pool, plan, noWait)
    const b = new PostgresBudgetLedger(pool, plan, noWait)
    await b.take('p3')
    await a.pause('p3', Date.now() + 30_000)
    const waited = await b.take('p3').then(() => null, (e: unknown) => e)
    expect(waited).toBeInstanceOf(Waited)
    expect((waited as Waited).ms).toBeGreaterThan(25_000)
    const row = (await readBudgets(pool)).find((r) => r.principal === 'p3')
    expect(row?.pauses).toBe(1)
    expect(row!.pausedUntil).toBeGreaterThan(row!.now)
  })
})
