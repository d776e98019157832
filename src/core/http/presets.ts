/**
 * Named request policies, chosen by who is waiting for the answer, instead of ad-hoc overrides at each
 * call site: how long one request may take and how hard a failure is retried.
 *
 * - interactive: a person at the keyboard (connect, auth token): fail an unreachable host in seconds.
 * - validate:    a CI pre-flight with its own per-check timeout: one quick retry, never wait out a limit.
 * - sync / listen: long operations that must finish: the client's full retry budget (DEFAULT_RETRY).
 */
import type {HttpClientOptions} from './types.js'

export type HttpPresetName = 'interactive' | 'validate' | 'sync' | 'listen'

export type HttpPreset = Pick<HttpClientOptions, 'timeoutMs' | 'retry'>

export function httpPreset(name: HttpPresetName, options: {checkTimeoutMs?: number} = {}): HttpPreset {
  switch (name) {
    case 'interactive':
      return {timeoutMs: 20_000, retry: {maxAttempts: 2, totalBudgetMs: 5_000}}
    case 'validate': {
      const timeoutMs = options.checkTimeoutMs ?? 8000
      return {
        timeoutMs: Math.max(500, Math.floor(timeoutMs / 2)),
        retry: {maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 400, totalBudgetMs: Math.min(1000, timeoutMs / 4)},
      }
    }
    case 'sync':
    case 'listen':
      return {}
  }
}
