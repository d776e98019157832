/**
 * Job slots against per-principal budgets (real PostgreSQL, real graphile-worker schema): a job whose
 * principal's budget is spent gives its slot back only while another job of this process spends that
 * budget and another principal's job is waiting; a free slot then skips the crowded connection (and takes
 * no third job of it even when nothing else waits). The
 * yielded job is queued again under its key with its attempts and still counts as work to drain.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {InterruptedError} from '../../../src/core/errors.js'
import {PostgresBudgetLedger} from '../../../src/core/http/ledger-postgres.js'
import {openQueue} from '../../../src/core/workers/queue.js'
import type {Queue} from '../../../src/core/workers/queue.js'
import {BudgetSlots} from '../../../src/core/workers/slots.js'
import type {JobSlot} from '../../../src/core/workers/slots.js'
import {pendingJobs} from '../../../src/core/workers/worker.js'
import {pgAvailable, startPgServer} from '../store/pg-server.js'
import type {PgServer} from '../store/pg-server.js'

/** Ends a take at its first sleep: the test never waits on a clock. */
class Slept extends Error {}
const noSleep = async (): Promise<void> => {
  throw new Slept('would sleep')
}

// A century-long window with room for one request: the first take spends it, every later one must wait.
const century = 100 * 365 * 86_400_000
const plan = {windowMs: century, cap: 1, periodMs: century * 60, limit: 62}

/** A job that holds its slot until released. */
function hold(slots: BudgetSlots, connection: string): {slot: Promise<JobSlot>; release: () => void; done: Promise<void>} {
  let release = () => {}
  let gotSlot: (slot: JobSlot) => void = () => {}
  const slot = new Promise<JobSlot>((resolve) => (gotSlot = resolve))
  const done = slots.run(connection, (s) => {
    gotSlot(s)
    return new Promise<void>((resolve) => (release = resolve))
  })
  return {slot, release: () => release(), done}
}

describe.skipIf(!pgAvailable())('BudgetSlots', () => {
  let server: PgServer
  let queue: Queue
  beforeAll(async () => {
    server = (await startPgServer()) as PgServer
    queue = await openQueue(await server.createDatabase('slots'), {})
  }, 60_000)
  afterAll(async () => {
    await queue?.close()
    await server?.stop()
  })

  it('a waiting job keeps its slot while no other principal has work, and gives it back once one has', async () => {
    const slots = new BudgetSlots(queue.pool, 10)
    const budget = slots.budget(new PostgresBudgetLedger(queue.pool, plan, noSleep))
    await queue.addSync({connection: 'one', repo: 'ws/waiting'})

    // Job A (connection "one") spends the window; job B of the same principal must wait.
    const a = hold(slots, 'one')
    await slots.run('one', () => budget.take('user-1'))
    const b = slots.run('one', async (slot) => {
      // Only principal "user-1" has waiting work: B waits in its slot (the test's sleep ends the take).
      await expect(budget.take('user-1')).rejects.toBeInstanceOf(Slept)
      expect(slot.resumeAt()).toBeNull()
      // Two jobs already wait for that budget here: a free slot takes no third one, though nothing else waits.
      expect(await slots.forbiddenFlags()).toEqual(['conn:one'])
      return slot
    })
    await b
    // One job of the crowded principal left and nothing else waiting: a free slot may take another.
    expect(await slots.forbiddenFlags()).toBeNull()

    // Now a job of another connection waits: B gives its slot back, to resume when the window reopens.
    await queue.addSync({connection: 'two', repo: 'ws/other'})
    const c = slots.run('one', async (slot) => {
      await expect(budget.take('user-1')).rejects.toBeInstanceOf(InterruptedError)
      expect(slot.signal.aborted).toBe(true)
      expect(slot.resumeAt()).toBeGreaterThan(Date.now() + 1000)
      // A free slot skips connection "one" while A spends its principal's budget and other work waits.
      expect(await slots.forbiddenFlags()).toEqual(['conn:one'])
    })
    await c

    // The last job of a principal never leaves: A alone waits instead of yielding.
    const aSlot = await a.slot
    a.release()
    await a.done
    expect(aSlot.resumeAt()).toBeNull()
    const alone = slots.run('one', async (slot) => {
      await expect(budget.take('user-1')).rejects.toBeInstanceOf(Slept)
      expect(slot.resumeAt()).toBeNull()
    })
    await alone
    expect(await slots.forbiddenFlags()).toBeNull()
  })

  it('a job queued again for later keeps its attempts and still counts as pending', async () => {
    await queue.pool.query('delete from graphile_worker._private_jobs')
    const later = new Date(Date.now() + 3_600_000)
    const added = await queue.addSync({connection: 'one', repo: 'ws/later'}, {runAt: later, attempts: 3})
    const row = await queue.pool.query<{attempts: number; flags: Record<string, boolean>; run_at: Date}>(
      'select attempts, flags, run_at from graphile_worker._private_jobs where id = $1', [added.id],
    )
    expect(row.rows[0]!.attempts).toBe(3)
    expect(Object.keys(row.rows[0]!.flags).sort()).toEqual(['budget-wait', 'conn:one'])
    expect(row.rows[0]!.run_at.getTime()).toBe(later.getTime())
    expect(await pendingJobs(queue)).toBe(1)

    // A change for that repository replaces the waiting job: it runs now, as a fresh job.
    const replaced = await queue.addSync({connection: 'one', repo: 'ws/later'})
    expect(replaced.id).toBe(added.id)
    expect(replaced.revision).toBe(1)
    const after = await queue.pool.query<{attempts: number; run_at: Date}>('select attempts, run_at from graphile_worker._private_jobs where id = $1', [added.id])
    expect(after.rows[0]!.attempts).toBe(0)
    expect(after.rows[0]!.run_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
    expect(await pendingJobs(queue)).toBe(1)
  })
})
