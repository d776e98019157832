import {describe, expect, it} from 'vitest'

import {httpPreset} from '../../../src/core/http/presets.js'
import {DEFAULT_RETRY} from '../../../src/core/http/types.js'

describe('HTTP request presets', () => {
  it('interactive fails an unreachable host in seconds', () => {
    const p = httpPreset('interactive')
    expect(p.retry?.totalBudgetMs).toBeLessThanOrEqual(5_000)
    expect(p.retry?.maxAttempts).toBe(2)
  })

  it('validate scales with the check timeout and never retries past a quarter of it', () => {
    expect(httpPreset('validate', {checkTimeoutMs: 8000})).toEqual({
      timeoutMs: 4000, retry: {maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 400, totalBudgetMs: 1000},
    })
    expect(httpPreset('validate', {checkTimeoutMs: 1000}).retry?.totalBudgetMs).toBe(250)
    expect(httpPreset('validate', {checkTimeoutMs: 600}).timeoutMs).toBe(500)
  })

  it('sync and listen keep the client\'s full retry budget', () => {
    expect(httpPreset('sync')).toEqual({})
    expect(httpPreset('listen')).toEqual({})
    expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(2)
  })
})
