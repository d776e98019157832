import {describe, expect, it} from 'vitest'

import type {SyncEvent} from '../../../src/core/sync/events.js'
import {httpEventBridge, startGate} from '../../../src/core/sync/http-events.js'
import {parseConcurrency, parseSince} from '../../../src/core/sync/options.js'
import {ndjsonSink} from '../../../src/ui/sync-ndjson.js'
import {plainSink} from '../../../src/ui/sync-plain.js'

const rate = (remaining: number, waitingUntil: number | null = null): SyncEvent => ({type: 'rateLimit', state: {credentialId: 'c', principal: 'p', limit: 1000, remaining, resetAt: null, waitingUntil, used: 1000 - remaining}})
const summary: SyncEvent = {type: 'summary', at: 'x', counts: {commit: 3}, requests: 4, retries: 1, rateLimitWaits: 0, durationMs: 1500, complete: true, reposDone: 1, reposFailed: 0, reposLeft: 0, stopReason: null}

describe('event plumbing and renderers', () => {
  it('NDJSON: one {"v":1} object per line; rate-limit chatter thinned, wait changes kept', () => {
    const lines: string[] = []
    let now = 0
    const sink = ndjsonSink((l) => lines.push(l), () => now)
    sink(rate(10))
    sink(rate(9))
    sink(rate(8, 5000))
    now = 1500
    sink(rate(7))
    sink(summary)
    const parsed = lines.map((l) => JSON.parse(l) as {v: number; type: string; state?: {remaining: number}})
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true)
    expect(parsed.map((p) => p.state?.remaining ?? p.type)).toEqual([10, 8, 7, 'summary'])
    expect(parsed.every((p) => p.v === 1)).toBe(true)
  })

  it('start gate holds HTTP events until start, and a bridge maps client events', () => {
    const seen: SyncEvent[] = []
    const gate = startGate((e) => seen.push(e))
    const bridge = httpEventBridge(gate)
    bridge({type: 'rateLimitWait', credentialId: 'c', principal: 'p', until: 0, reason: '429'})
    bridge({type: 'request', method: 'GET', url: 'u', credentialId: 'c', attempt: 1})
    expect(seen).toEqual([])
    gate({type: 'start', at: 'x', connection: 'd', provider: 'cloud', store: 's', repos: 1, full: false, shard: null})
    bridge({type: 'retry', method: 'GET', url: 'u', attempt: 2, delayMs: 10, reason: '503'})
    expect(seen.map((e) => e.type)).toEqual(['start', 'wait', 'retry'])
    expect(seen[1]).toMatchObject({until: '1970-01-01T00:00:00.000Z', reason: '429'})
  })

  it('plain lines: start, phases, waits, errors and the summary on their own lines', () => {
    const out: string[] = []
    const sink = plainSink((l) => out.push(l), () => 0)
    sink({type: 'start', at: 'x', connection: 'd', provider: 'cloud', store: 'sqlite:/x', repos: 2, full: false, shard: '1/2'})
    sink({type: 'repo', repo: 'w/a', phase: 'pullRequests', done: 0, total: null})
    sink({type: 'progress', repo: 'w/a', entity: 'pullRequest', count: 5})
    sink({type: 'repo', repo: 'w/a', phase: 'done'})
    sink({type: 'wait', credentialId: 'c', principal: 'p', until: '2026-01-01T00:00:00.000Z', reason: 'window'})
    sink({type: 'error', repo: 'w/b', message: 'boom'})
    sink(summary)
    expect(out.join('')).toBe([
      'sync: 2 repositories of connection "d" (cloud) → sqlite:/x [shard 1/2]',
      'w/a: pull requests…',
      'w/a: done (5 pullRequest)',
      'rate limit (window) for p: waiting until 2026-01-01T00:00:00.000Z',
      'error: w/b: boom',
      'sync complete: 1 done, 0 failed, 0 left; 3 commit; 4 requests, 1 retries, 0 rate-limit waits in 2s',
      '',
    ].join('\n'))
  })

  it('parses flags strictly', () => {
    expect(parseSince('2026-01-31')).toBe('2026-01-31T00:00:00.000Z')
    expect(parseSince('2026-01-31T12:00:00+02:00')).toBe('2026-01-31T10:00:00.000Z')
    for (const bad of ['yesterday', '2026-13-01', '31/01/2026']) expect(() => parseSince(bad)).toThrow(/Invalid --since/)
    expect(() => parseConcurrency(0)).toThrow()
  })
})
