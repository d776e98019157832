import {describe, expect, it} from 'vitest'

import {toIsoUtc} from '../../../src/core/provider/time.js'

describe('toIsoUtc', () => {
  it('truncates Cloud microseconds to milliseconds', () => {
    expect(toIsoUtc('2019-09-27T00:33:46.039178+00:00')).toBe('2019-09-27T00:33:46.039Z')
    // Truncation, not rounding: .9999 stays in the same millisecond.
    expect(toIsoUtc('2026-01-02T03:04:05.1239999+00:00')).toBe('2026-01-02T03:04:05.123Z')
  })

  it('applies offsets', () => {
    expect(toIsoUtc('2015-10-04T14:00:00-07:00')).toBe('2015-10-04T21:00:00.000Z')
    expect(toIsoUtc('2026-01-01T01:30:00.5+0130')).toBe('2026-01-01T00:00:00.500Z')
    expect(toIsoUtc('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000Z')
  })

  it('treats a time without offset as UTC and accepts a date alone', () => {
    expect(toIsoUtc('2026-01-02T03:04:05')).toBe('2026-01-02T03:04:05.000Z')
    expect(toIsoUtc('2026-01-02')).toBe('2026-01-02T00:00:00.000Z')
  })

  it('converts epoch milliseconds (Data Center)', () => {
    expect(toIsoUtc(1359075920123)).toBe('2013-01-25T01:05:20.123Z')
  })

  it('gives null instead of inventing a time', () => {
    expect(toIsoUtc(null)).toBeNull()
    expect(toIsoUtc(undefined)).toBeNull()
    expect(toIsoUtc('')).toBeNull()
    expect(toIsoUtc('not a date')).toBeNull()
    expect(toIsoUtc(Number.NaN)).toBeNull()
  })
})
