import {stderr} from 'node:process'

import type {HttpEvent} from './types.js'

/**
 * `BB_INTEGRATE_DEBUG=http` (like gh's `GH_DEBUG=api`): every HTTP event — request, response, retry,
 * rate-limit wait, rotation, refused redirect — as one line on stderr. The client hands over events only
 * after redaction (src/core/http/redact.ts), so no secret reaches these lines. The value is a
 * comma-separated list of areas; `1`, `true` and `all` mean every area.
 */
export function debugAreas(value: string | undefined): Set<string> {
  const areas = new Set((value ?? '').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean))
  if (areas.has('1') || areas.has('true') || areas.has('all')) areas.add('http')
  return areas
}

export function formatHttpDebug(event: HttpEvent): string {
  switch (event.type) {
    case 'request':
      return `* request ${event.method} ${event.url} (credential ${event.credentialId}, attempt ${event.attempt})`
    case 'response':
      return `* response ${event.status} ${event.method} ${event.url} in ${event.durationMs} ms (credential ${event.credentialId})`
    case 'retry':
      return `* retry ${event.attempt} of ${event.method} ${event.url} in ${event.delayMs} ms: ${event.reason}`
    case 'rateLimit': {
      const s = event.state
      return `* rate limit ${s.credentialId}: ${s.remaining ?? '?'}/${s.limit ?? '?'} left, ${s.used} used${s.waitingUntil ? `, waiting until ${new Date(s.waitingUntil).toISOString()}` : ''}`
    }
    case 'rateLimitWait':
      return `* rate-limit wait (${event.reason}) for ${event.credentialId} until ${new Date(event.until).toISOString()}`
    case 'rotate':
      return `* credential ${event.from} → ${event.to}: ${event.reason}`
    case 'guard':
      return `* refused ${event.url}: ${event.reason}`
  }
}

/** The debug printer for this environment, or undefined when `BB_INTEGRATE_DEBUG` does not name `http`. */
export function httpDebugFromEnv(
  env: NodeJS.ProcessEnv,
  // Commands pass the context's stderr; this default serves scripts and tests that have no terminal of their own.
  write: (text: string) => void = (text) => stderr.write(text),
): ((event: HttpEvent) => void) | undefined {
  if (!debugAreas(env.BB_INTEGRATE_DEBUG).has('http')) return undefined
  return (event) => write(formatHttpDebug(event) + '\n')
}
