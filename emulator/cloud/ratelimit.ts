/**
 * Cloud rate limiting: a rolling one-hour window per principal (the user behind API tokens, each access
 * token, each OAuth consumer). The 429 carries no Retry-After. Only access tokens see X-RateLimit-*
 * headers (Atlassian support, 2026-04), so clients cannot rely on them.
 */
import type {EmuResponse, Principal, RateLimitConfig, ServerState} from '../server/types.js'

export const CLOUD_DEFAULT_LIMIT: RateLimitConfig = {requestsPerWindow: 1000, windowMs: 3_600_000}

/** NearLimit flips once less than this share of the budget is left. */
const NEAR_SHARE = 0.05

export function rateLimit(principal: Principal, nowMs: number, state: ServerState): {ok: true; headers?: Record<string, string>} | {ok: false; response: EmuResponse} {
  const config = state.rateLimit === undefined ? CLOUD_DEFAULT_LIMIT : state.rateLimit
  if (config === null) return {ok: true}
  const hit = state.windows.hit(principal.budgetKey, nowMs, config.requestsPerWindow, config.windowMs)
  const headers: Record<string, string> | undefined = principal.kind === 'access-token'
    ? {
        'X-RateLimit-Limit': String(config.requestsPerWindow),
        'X-RateLimit-Resource': 'api',
        'X-RateLimit-NearLimit': String(config.requestsPerWindow - hit.used < config.requestsPerWindow * NEAR_SHARE),
      }
    : undefined
  if (!hit.ok) {
    return {ok: false, response: {status: 429, headers: {'Content-Type': 'text/plain; charset=utf-8', ...headers}, body: 'Rate limit for this resource has been exceeded.'}}
  }
  return {ok: true, headers}
}
