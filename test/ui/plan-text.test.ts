import {describe, expect, it} from 'vitest'

import type {SyncEvent} from '../../src/core/sync/events.js'
import {formatRange, formatWait, planTextSink} from '../../src/ui/plan-text.js'
import {plainSink} from '../../src/ui/sync-plain.js'

const zero = {low: 0, high: 0}

describe('sync --plan as text', () => {
  it('prints hours as hours and a range as an estimate', () => {
    expect(formatWait(36_375)).toBe('10 h 06 m')
    expect(formatWait(754)).toBe('12 m 34 s')
    expect(formatWait(9)).toBe('9 s')
    expect(formatRange({low: 612, high: 612})).toBe('612')
    expect(formatRange({low: 40_000, high: 60_000})).toBe('~50,000 (40,000–60,000)')
  })

  it('writes one table to stdout once planned, with 404s reported and the budget left now', () => {
    let stdout = ''
    const stderr: SyncEvent[] = []
    const sink = planTextSink((t) => {
      stdout += t
    }, (e) => stderr.push(e))
    sink({type: 'start', at: '', connection: 'c', provider: 'cloud', store: 's', repos: 2, full: false, shard: null})
    sink({type: 'plan', repo: 'ws/api', estimatedRequests: 50_000, pullRequests: 1000, commits: 40_000, requests: {low: 45_000, high: 55_000}, exact: false,
      parts: {repository: zero, pullRequests: {low: 20, high: 20}, activity: {low: 300, high: 400}, branches: {low: 1, high: 1}, commits: {low: 360, high: 440}, commitFiles: {low: 36_000, high: 44_000}}, status: 'ok'})
    sink({type: 'plan', repo: 'ws/gone', estimatedRequests: 0, pullRequests: null, commits: null, requests: zero, exact: false, status: 'not-found', message: '404'})
    sink({type: 'warning', message: 'careful'})
    expect(stdout).toBe('')
    sink({type: 'planSummary', repos: 2, estimatedRequests: 50_002, estimatedSeconds: 176_000, requestsPerHour: 1000, requests: {low: 45_002, high: 55_002},
      exact: false, listingRequests: 2, planRequests: 9, seconds: {low: 158_000, high: 194_000}, remaining: 88, limit: 1000, notFound: ['ws/gone'], failed: []})
    expect(stdout).toContain('ws/api')
    expect(stdout).toMatch(/ws\/api\s+1,000\s+~40,000\s+~50,000 \(45,000–55,000\)/)
    expect(stdout).toMatch(/ws\/gone .*not found \(404\): reported, not synced/)
    expect(stdout).toContain('(estimate)')
    expect(stdout).toContain('88 of 1,000 left now (earlier runs counted)')
    expect(stdout).toContain('43 h 53 m – 53 h 53 m of rate-limit waits')
    expect(stdout).not.toMatch(/\d+m\d+s/)
    // Everything but the plan goes the plain way (stderr).
    expect(stderr.map((e) => e.type)).toEqual(['warning'])
  })

  it('plain progress lines print hours as hours too', () => {
    const lines: string[] = []
    const sink = plainSink((l) => lines.push(l))
    sink({type: 'planSummary', repos: 100, estimatedRequests: 10_104, estimatedSeconds: 36_375, requestsPerHour: 1000})
    expect(lines.join('')).toContain('~10h06m')
    expect(lines.join('')).not.toContain('606m')
  })
})
