import {describe, expect, it} from 'vitest'

import {readEnv} from '../../src/core/env.js'
import {UsageError} from '../../src/core/errors.js'

describe('readEnv', () => {
  it('reads the rate-limit override as requests per hour', () => {
    expect(readEnv({BB_INTEGRATE_RATE_LIMIT: '5000'}).rateLimitPerHour).toBe(5000)
    expect(readEnv({}).rateLimitPerHour).toBeUndefined()
  })

  it('rejects a rate limit that is not a positive whole number, naming the variable', () => {
    for (const bad of ['0', '-3', '1.5', 'lots']) {
      expect(() => readEnv({BB_INTEGRATE_RATE_LIMIT: bad})).toThrow(UsageError)
      expect(() => readEnv({BB_INTEGRATE_RATE_LIMIT: bad})).toThrow(/BB_INTEGRATE_RATE_LIMIT/)
    }
  })
})
