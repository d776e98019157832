import {EVENT_SCHEMA_VERSION} from '../core/sync/events.js'
import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'

/**
 * `sync --json`: one `{"v":1,"type":…}` object per line on stdout (docs/events.md), the summary last.
 * Rate-limit state changes with every request; it is passed on at most once a second per
 * credential (and always when a wait starts or ends) so the stream stays proportional to the work.
 */
export function ndjsonSink(write: (line: string) => void, now: () => number = Date.now): SyncEventSink {
  const lastRate = new Map<string, {at: number; waiting: boolean}>()
  return (event: SyncEvent) => {
    if (event.type === 'rateLimit') {
      const key = event.state.credentialId
      const waiting = event.state.waitingUntil !== null
      const prev = lastRate.get(key)
      if (prev && prev.waiting === waiting && now() - prev.at < 1000) return
      lastRate.set(key, {at: now(), waiting})
    }
    write(JSON.stringify({v: EVENT_SCHEMA_VERSION, ...event}) + '\n')
  }
}
