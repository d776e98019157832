import {EVENT_SCHEMA_VERSION} from '../core/sync/events.js'
import type {SyncEvent} from '../core/sync/events.js'
import type {ListenEvent, ListenSink} from '../core/webhooks/listen.js'
import {ndjsonSink} from './sync-ndjson.js'

const LISTEN_TYPES = new Set<string>(['listening', 'ready', 'delivery', 'applied', 'applyFailed', 'resync', 'stopping', 'stopped'])
/** Sync events worth passing on while listening: the rest is the catch-up's per-repository detail. */
const SYNC_TYPES = new Set<string>(['rateLimit', 'wait', 'warning', 'error'])

function isListenEvent(event: ListenEvent | SyncEvent): event is ListenEvent {
  return LISTEN_TYPES.has(event.type)
}

/**
 * `webhooks listen --json`: NDJSON `{"v":1,"type":…}` on stdout — `listening`, `ready` once the
 * catch-up is done, then `delivery` and `applied` per delivery (docs/webhooks-listen.md).
 */
export function listenNdjsonSink(write: (line: string) => void): ListenSink {
  const sync = ndjsonSink(write)
  return (event) => {
    if (isListenEvent(event)) write(JSON.stringify({v: EVENT_SCHEMA_VERSION, ...event}) + '\n')
    else if (SYNC_TYPES.has(event.type)) sync(event)
  }
}

/** Plain lines on stderr (no TTY): one per delivery, application, catch-up and warning. */
export function listenPlainSink(write: (line: string) => void): ListenSink {
  const out = (line: string) => write(line + '\n')
  return (event) => {
    switch (event.type) {
      case 'listening':
        out(`listen: receiving deliveries at ${event.url}`)
        break
      case 'ready':
        out('listen: caught up; applying deliveries as they arrive')
        break
      case 'delivery':
        out(`delivery ${event.status}: ${[event.event ?? '?', event.repo, event.id ? `[${event.id}]` : null].filter(Boolean).join(' ')}${event.reason ? ` — ${event.reason}` : ''} (${event.httpStatus})`)
        break
      case 'applied':
        out(`applied: ${event.event} ${event.repo ?? ''} [${event.id}] in ${event.lagMs} ms, ${event.requests} requests`)
        break
      case 'applyFailed':
        out(`apply failed: ${event.event} ${event.repo ?? ''} [${event.id}]: ${event.message} (the next catch-up brings it)`)
        break
      case 'resync':
        out(`catch-up sync ${event.phase}${event.message ? `: ${event.message}` : ''}`)
        break
      case 'stopping':
        out(`listen: stopping; finishing ${event.pending} accepted deliveries (Ctrl-C again to stop at once)`)
        break
      case 'stopped':
        out('listen: stopped')
        break
      case 'warning':
        out(`warning: ${event.repo ? `${event.repo}: ` : ''}${event.message}`)
        break
      case 'error':
        out(`error: ${event.repo ? `${event.repo}: ` : ''}${event.message}`)
        break
      case 'wait':
        out(`rate limit: waiting until ${event.until} (${event.reason})`)
        break
      default:
        break
    }
  }
}
