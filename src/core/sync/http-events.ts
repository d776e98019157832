import type {HttpEvent} from '../http/types.js'
import type {SyncEventSink} from './events.js'

/**
 * The HttpClient's onEvent, translated into sync events: rate-limit state, waits (with the time
 * they end, so a renderer can count down instead of looking hung), retries, and warnings for
 * credential rotation and refused `next` links. Per-request events stay inside the client.
 */
export function httpEventBridge(emit: SyncEventSink): (event: HttpEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'rateLimit':
        emit({type: 'rateLimit', state: event.state})
        break
      case 'rateLimitWait':
        emit({type: 'wait', credentialId: event.credentialId, principal: event.principal, until: new Date(event.until).toISOString(), reason: event.reason})
        break
      case 'retry':
        emit({type: 'retry', url: event.url, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason})
        break
      case 'rotate':
        emit({type: 'warning', message: `Switched credential ${event.from} → ${event.to}: ${event.reason}`})
        break
      case 'guard':
        emit({type: 'warning', message: `Refused ${event.url}: ${event.reason}`})
        break
      default:
        break
    }
  }
}

/**
 * Renderers expect `start` first, but the HTTP client reports rate-limit state from the very first
 * request (the repository listing that decides how many repos `start` announces). Hold those
 * events until `start` (or a summary/error, which end the stream) and then pass them on in order.
 */
export function startGate(sink: SyncEventSink): SyncEventSink {
  let open = false
  const held: Parameters<SyncEventSink>[0][] = []
  return (event) => {
    if (!open && event.type !== 'start' && event.type !== 'summary' && event.type !== 'error') {
      held.push(event)
      return
    }
    if (!open) {
      open = true
      sink(event)
      for (const e of held.splice(0)) sink(e)
      return
    }
    sink(event)
  }
}
