import {Box, Text, render, useInput} from 'ink'
import React, {useEffect, useState} from 'react'

import type {SyncEvent} from '../core/sync/events.js'
import type {ListenEvent, ListenSink} from '../core/webhooks/listen.js'
import {RateGauge} from './sync-dashboard-view.js'
import {applyEvent, formatCount, initialState} from './sync-state.js'
import type {DashboardState} from './sync-state.js'

/** What the live view of `webhooks listen` shows; mutated by `applyListenEvent`, drawn by ListenView. */
export interface ListenState {
  url: string | null
  ready: boolean
  accepted: number
  duplicate: number
  rejected: number
  applied: number
  failed: number
  /** Lag (received → applied) of the last applied delivery, ms. */
  lastLagMs: number | null
  maxLagMs: number
  resync: 'idle' | 'running' | 'failed'
  lastResyncAt: string | null
  stopping: boolean
  /** Newest first, a few. */
  recent: Array<{text: string; color: string}>
  sync: DashboardState
}

const RECENT = 8

export function initialListenState(now: number): ListenState {
  return {
    url: null, ready: false, accepted: 0, duplicate: 0, rejected: 0, applied: 0, failed: 0, lastLagMs: null, maxLagMs: 0,
    resync: 'idle', lastResyncAt: null, stopping: false, recent: [], sync: initialState(now),
  }
}

function remember(state: ListenState, text: string, color: string): void {
  state.recent.unshift({text, color})
  state.recent.length = Math.min(state.recent.length, RECENT)
}

export function applyListenEvent(state: ListenState, event: ListenEvent | SyncEvent, now: number): ListenState {
  switch (event.type) {
    case 'listening':
      state.url = event.url
      break
    case 'ready':
      state.ready = true
      break
    case 'delivery':
      if (event.status === 'accepted') state.accepted += 1
      else if (event.status === 'duplicate') state.duplicate += 1
      else state.rejected += 1
      if (event.status !== 'accepted') remember(state, `${event.status} ${event.httpStatus} ${event.event ?? ''} ${event.reason ?? ''}`.trim(), event.status === 'rejected' ? 'red' : 'yellow')
      break
    case 'applied':
      state.applied += 1
      state.lastLagMs = event.lagMs
      state.maxLagMs = Math.max(state.maxLagMs, event.lagMs)
      remember(state, `applied ${event.event} ${event.repo ?? ''} (${event.lagMs} ms, ${event.requests} req)`, 'green')
      break
    case 'applyFailed':
      state.failed += 1
      remember(state, `failed ${event.event} ${event.repo ?? ''}: ${event.message}`, 'red')
      break
    case 'resync':
      state.resync = event.phase === 'start' ? 'running' : event.phase === 'failed' ? 'failed' : 'idle'
      if (event.phase !== 'start') state.lastResyncAt = event.at
      break
    case 'stopping':
      state.stopping = true
      break
    case 'stopped':
      break
    default:
      applyEvent(state.sync, event, now)
  }
  return state
}

export function ListenView({state, onQuit, tickMs = 250, now = Date.now}: {state: ListenState; onQuit?: () => void; tickMs?: number; now?: () => number}) {
  const [, setTick] = useState(0)
  // The terminal is in raw mode while the view is up: Ctrl-C (or q) arrives as a key, not as a signal.
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) onQuit?.()
  }, {isActive: onQuit !== undefined})
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), tickMs)
    return () => clearInterval(t)
  }, [tickMs])
  const status = state.stopping ? 'stopping — finishing accepted deliveries' : state.ready ? 'listening' : 'catching up'
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>webhooks listen</Text> {state.url ?? 'starting…'} <Text color={state.ready ? 'green' : 'yellow'}>{status}</Text>
      </Text>
      <Text>
        deliveries: <Text color="green">{formatCount(state.accepted)} accepted</Text> · <Text color="yellow">{formatCount(state.duplicate)} duplicate</Text> · <Text color="red">{formatCount(state.rejected)} rejected</Text>
      </Text>
      <Text>
        events applied: {formatCount(state.applied)}{state.failed ? <Text color="red"> ({state.failed} failed)</Text> : null} · lag {state.lastLagMs === null ? '–' : `${state.lastLagMs} ms`} (max {state.maxLagMs} ms)
      </Text>
      <Text dimColor>catch-up sync: {state.resync}{state.lastResyncAt ? `, last ${state.lastResyncAt}` : ''}</Text>
      {[...state.sync.rateLimits.values()].map((rl) => <RateGauge key={rl.credentialId} rl={rl} wait={state.sync.waits.get(rl.credentialId)} now={now()} />)}
      {state.recent.map((r, i) => <Text key={i} color={r.color} wrap="truncate-end">{r.text}</Text>)}
    </Box>
  )
}

/** The live view on stderr; `finish` draws the last frame and releases the terminal. */
export function renderListenView(options: {onQuit: () => void; stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; now?: () => number}): {sink: ListenSink; finish: () => Promise<void>} {
  const now = options.now ?? Date.now
  const state = initialListenState(now())
  const instance = render(<ListenView state={state} now={now} onQuit={options.onQuit} />, {stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false})
  return {
    sink: (event) => {
      applyListenEvent(state, event, now())
    },
    async finish() {
      instance.rerender(<ListenView state={state} now={now} onQuit={options.onQuit} />)
      instance.unmount()
      await instance.waitUntilExit().catch(() => undefined)
    },
  }
}
