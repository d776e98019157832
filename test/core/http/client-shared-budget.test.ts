/**
 * The client's hook into a budget shared with other processes: one take per request sent (retries
 * included), made after the in-process choice of credential, and every 429 reported as a pause.
 */
import {afterEach, describe, expect, it} from 'vitest'

import {InterruptedError} from '../../../src/core/errors.js'
import type {SharedBudget} from '../../../src/core/http/shared-budget.js'
import type {Harness} from './helpers.js'
import {credential, harness, script} from './helpers.js'

let h: Harness
afterEach(async () => h?.close())

const PATH = '/2.0/repositories/ws'

class RecordingBudget implements SharedBudget {
  readonly takes: string[] = []
  readonly pauses: Array<{principal: string; untilMs: number}> = []
  async take(principal: string): Promise<void> {
    this.takes.push(principal)
  }
  async pause(principal: string, untilMs: number): Promise<void> {
    this.pauses.push({principal, untilMs})
  }
}

describe('shared budget hook', () => {
  it('takes once per request sent and reports a 429 as a pause of its principal', async () => {
    const budget = new RecordingBudget()
    h = harness({sharedBudget: budget, credentials: [credential('a/1', 'cloud-user:{a}'), credential('b/1', 'cloud-user:{b}')]})
    script(h.pool, PATH, [{status: 429}, {status: 200, body: {}}])
    const res = await h.client.request('/repositories/ws')
    expect(res.credentialId).toBe('b/1')
    // The first attempt went out as {a}, was throttled, and the retry rotated to {b}.
    expect(budget.takes).toEqual(['cloud-user:{a}', 'cloud-user:{b}'])
    expect(budget.pauses).toEqual([{principal: 'cloud-user:{a}', untilMs: h.clock.now() + 250}])
    expect(h.calls()).toHaveLength(2)
  })

  it('a take stopped by the caller sends nothing', async () => {
    const controller = new AbortController()
    const budget: SharedBudget = {
      take: async () => {
        controller.abort()
        throw new InterruptedError('Stopped while waiting for the shared rate limit.', {code: 'interrupted'})
      },
      pause: async () => undefined,
    }
    h = harness({sharedBudget: budget})
    script(h.pool, PATH, [{status: 200, body: {}}])
    await expect(h.client.request('/repositories/ws', {signal: controller.signal})).rejects.toBeInstanceOf(InterruptedError)
    expect(h.calls()).toEqual([])
  })
})
