/**
 * A fault storm (5xx, connection resets, truncated bodies, 429 bursts) through the real HTTP client:
 * the sync retries, resumes, and ends with exactly the truth — nothing lost, nothing duplicated.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BudgetExhaustedError, ExitCode, exitCodeOf} from '../../../src/core/errors.js'
import {expectStoreEqualsTruth, startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'

describe.each(['cloud', 'datacenter'] as const)('%s: fault storm', (flavor) => {
  let rig: SyncRig

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny', {faults: {seed: 5, probabilities: {status5xx: 0.08, reset: 0.04, truncate: 0.04}}})
  })
  afterAll(async () => rig?.close())

  it('loses and duplicates nothing; a run cut short by exhausted retries is finished by the next', async () => {
    const store = await rig.store()
    let runs = 0
    let last: Awaited<ReturnType<SyncRig['sync']>> | null = null
    let retries = 0
    // Retries absorb most faults; a request unlucky enough to exhaust them fails its repo, and the
    // next run resumes from the committed cursors. Bounded so a real bug cannot loop forever.
    do {
      last = await rig.sync(store, {}, {retry: {maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5}})
      runs++
      retries += last.events.filter((e) => e.type === 'retry').length
    } while (last.error === null && (last.events.at(-1) as {complete?: boolean}).complete !== true && runs < 6)
    expect(last.error).toBeNull()
    expect(last.events.at(-1)).toMatchObject({type: 'summary', complete: true})
    const faults = rig.emu.stats().faults
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(10)
    expect(retries).toBeGreaterThan(10)
    rig.emu.admin.setFaults(null)
    await expectStoreEqualsTruth(rig, store)
    await store.close()
  })

  it('429 bursts are waited out and counted in the summary', async () => {
    rig.emu.admin.setFaults(null)
    rig.emu.admin.setRateLimit({requestsPerWindow: 12, windowMs: 1500})
    const dir = `${rig.dir}/rl.db`
    const {openStore} = await import('../../../src/core/store/open.js')
    const store = await openStore(dir)
    const r = await rig.sync(store, {commitFiles: false}, {retry: {maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 1000, totalBudgetMs: 60_000}})
    rig.emu.admin.setRateLimit(null)
    expect(r.error).toBeNull()
    const summary = r.events.at(-1) as {complete: boolean; rateLimitWaits: number; retries: number}
    expect(summary.complete).toBe(true)
    // Cloud answers 429 without Retry-After; DC's X-RateLimit-* headers let the client pace before a 429.
    expect(rig.emu.stats().rateLimited + summary.rateLimitWaits).toBeGreaterThan(0)
    expect(summary.rateLimitWaits + summary.retries).toBeGreaterThan(0)
    await expectStoreEqualsTruth(rig, store, ['repository', 'pullRequest', 'review', 'commit', 'issueRef'])
    await store.close()
  }, 120_000)

  it('--max-wait: a budget that runs out ends with BudgetExhaustedError (exit 5) and the next run finishes the job', async () => {
    rig.emu.admin.setFaults(null)
    rig.emu.admin.setRateLimit(null)
    const {openStore} = await import('../../../src/core/store/open.js')
    const store = await openStore(`${rig.dir}/budget.db`)
    // 25 requests per hour: the client would have to wait ~an hour, past a deadline one second away.
    const r = await rig.sync(store, {}, {limiter: {requestsPerWindow: 25, windowMs: 3_600_000}, waitDeadline: Date.now() + 1000})
    expect(r.error).toBeInstanceOf(BudgetExhaustedError)
    expect(exitCodeOf(r.error)).toBe(ExitCode.Budget)
    const summary = r.events.at(-1) as {type: string; stopReason: string; complete: boolean; reposLeft: number}
    expect(summary).toMatchObject({type: 'summary', stopReason: 'max-wait', complete: false})
    expect(summary.reposLeft).toBeGreaterThan(0)
    expect(r.requests).toBeLessThanOrEqual(25)
    const again = await rig.sync(store)
    expect(again.error).toBeNull()
    await expectStoreEqualsTruth(rig, store)
    await store.close()
  })
})

