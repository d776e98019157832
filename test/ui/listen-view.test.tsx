import {render} from 'ink-testing-library'
import React from 'react'
import {describe, expect, it} from 'vitest'

import type {SyncEvent} from '../../src/core/sync/events.js'
import type {ListenEvent} from '../../src/core/webhooks/listen.js'
import {listenNdjsonSink, listenPlainSink} from '../../src/ui/listen-lines.js'
import {ListenView, applyListenEvent, initialListenState} from '../../src/ui/listen-view.js'

const T0 = Date.parse('2026-12-06T10:00:00.000Z')

const EVENTS: Array<ListenEvent | SyncEvent> = [
  {type: 'listening', url: 'http://127.0.0.1:8977/'},
  {type: 'resync', phase: 'start', at: '2026-12-06T10:00:00.000Z'},
  {type: 'resync', phase: 'done', at: '2026-12-06T10:00:02.000Z'},
  {type: 'ready', at: '2026-12-06T10:00:02.000Z'},
  {type: 'delivery', id: 'd1', event: 'pullrequest:approved', repo: 'acme/api', status: 'accepted', reason: null, httpStatus: 202},
  {type: 'applied', id: 'd1', event: 'pullrequest:approved', repo: 'acme/api', at: '2026-12-06T10:00:03.000Z', requests: 2, lagMs: 140},
  {type: 'delivery', id: 'd1', event: 'pullrequest:approved', repo: 'acme/api', status: 'duplicate', reason: 'already received', httpStatus: 200},
  {type: 'delivery', id: null, event: null, repo: null, status: 'rejected', reason: 'signature: missing or wrong X-Hub-Signature', httpStatus: 401},
  {type: 'rateLimit', state: {credentialId: 'default/1', principal: 'user:x', limit: 1000, remaining: 640, resetAt: null, waitingUntil: null, used: 360}},
]

describe('webhooks listen live view', () => {
  it('shows deliveries accepted / duplicate / rejected, events applied, lag and the rate-limit gauge', () => {
    const state = initialListenState(T0)
    for (const e of EVENTS) applyListenEvent(state, e, T0)
    const {lastFrame, unmount} = render(<ListenView state={state} now={() => T0} tickMs={10_000} />)
    const frame = lastFrame() ?? ''
    unmount()
    expect(frame).toContain('http://127.0.0.1:8977/')
    expect(frame).toContain('listening')
    expect(frame).toMatch(/1 accepted · 1 duplicate · 1 rejected/)
    expect(frame).toMatch(/events applied: 1 · lag 140 ms/)
    expect(frame).toContain('640/1,000 left')
    expect(frame).toContain('rejected 401')
    expect(frame).toContain('applied pullrequest:approved acme/api (140 ms, 2 req)')
  })

  it('says it is catching up before the first catch-up is done, and stopping once asked to', () => {
    const state = initialListenState(T0)
    applyListenEvent(state, {type: 'listening', url: 'http://127.0.0.1:1/'}, T0)
    const catching = render(<ListenView state={state} now={() => T0} tickMs={10_000} />)
    expect(catching.lastFrame()).toContain('catching up')
    catching.unmount()
    applyListenEvent(state, {type: 'stopping', pending: 3}, T0)
    const stopping = render(<ListenView state={state} now={() => T0} tickMs={10_000} />)
    expect(stopping.lastFrame()).toContain('stopping')
    stopping.unmount()
  })

  it('NDJSON carries the listen events (v1) and only the sync events that matter while listening', () => {
    const out: string[] = []
    const sink = listenNdjsonSink((l) => out.push(l))
    for (const e of EVENTS) sink(e)
    sink({type: 'progress', repo: 'acme/api', entity: 'commit', count: 3})
    const parsed = out.map((l) => JSON.parse(l) as {v: number; type: string})
    expect(parsed.every((p) => p.v === 1)).toBe(true)
    expect(parsed.map((p) => p.type)).toEqual(['listening', 'resync', 'resync', 'ready', 'delivery', 'applied', 'delivery', 'delivery', 'rateLimit'])
  })

  it('plain lines name each delivery and application', () => {
    const out: string[] = []
    const sink = listenPlainSink((l) => out.push(l))
    for (const e of EVENTS) sink(e)
    expect(out.join('')).toContain('delivery rejected: ? — signature: missing or wrong X-Hub-Signature (401)')
    expect(out.join('')).toContain('applied: pullrequest:approved acme/api [d1] in 140 ms, 2 requests')
  })
})
