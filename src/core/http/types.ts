import type {Dispatcher} from 'undici'
import type {Clock} from '../clock.js'
import type {BudgetLedger} from './budget-ledger.js'
import type {SharedBudget} from './shared-budget.js'

/** Bitbucket Cloud's request budget per principal and rolling hour: the default wherever a connection sets none. */
export const CLOUD_REQUESTS_PER_HOUR = 1000
/** Data Center's default token bucket refills 5 per second: 18,000 an hour (an admin may change it). */
export const DC_REQUESTS_PER_HOUR = 18_000

/** The hourly budget a connection plans with: its own setting, else its provider's default. */
export function requestsPerHourOf(connection: {provider: 'cloud' | 'datacenter'; rateLimitPerHour?: number | null}): number {
  return connection.rateLimitPerHour ?? (connection.provider === 'cloud' ? CLOUD_REQUESTS_PER_HOUR : DC_REQUESTS_PER_HOUR)
}

/**
 * One credential of a connection. Several credentials of one connection are rotated when one is
 * exhausted or throttled. The rate-limit budget belongs to the *principal* (the user behind an API
 * token, the OAuth consumer, each access token itself): two API tokens of one user share one budget.
 */
export interface HttpCredential {
  /** Stable id within the connection, e.g. "default/1". Never the secret. */
  id: string
  /** Budget key, e.g. "cloud-user:{uuid}", "cloud-token:<hash>", "oauth-consumer:<key>", "dc-user:jdoe". */
  principal: string
  /** The Authorization header value. May refresh an OAuth token first. */
  authorization(): Promise<string>
  /** Called after a 401: refresh if possible. Resolve true to retry the request once with a new header. */
  refresh?(): Promise<boolean>
  /** Every secret this credential could put on the wire; redacted from errors and logs. */
  secrets(): string[]
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number
  /** Base delay for exponential backoff with full jitter: sleep = random(0, min(cap, base * 2^n)). */
  baseDelayMs: number
  maxDelayMs: number
  /** The sum of all waits for one request (backoff + Retry-After) may not exceed this. */
  totalBudgetMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  totalBudgetMs: 120_000,
}

export interface LimiterOptions {
  /** Cloud rolling window: requests allowed per window per principal (default 1000). */
  requestsPerWindow: number
  /** Window length (default 1 hour). */
  windowMs: number
}

/** Published on every change, per credential, for the TUI and --json. */
export interface RateLimitState {
  credentialId: string
  principal: string
  /** Requests allowed per window (from headers when the server tells, else configured). */
  limit: number | null
  remaining: number | null
  /** Epoch ms when the budget refills enough for one request, if known. */
  resetAt: number | null
  /** Epoch ms we are sleeping until, or null when not waiting. */
  waitingUntil: number | null
  /** Requests this principal issued in the current rolling window. */
  used: number
  /** Cloud's X-RateLimit-NearLimit, when the server sent it. */
  nearLimit?: boolean
}

export type HttpEvent =
  | {type: 'request'; method: string; url: string; credentialId: string; attempt: number}
  | {type: 'response'; method: string; url: string; status: number; durationMs: number; credentialId: string}
  | {type: 'retry'; method: string; url: string; attempt: number; delayMs: number; reason: string}
  | {type: 'rateLimit'; state: RateLimitState}
  | {type: 'rateLimitWait'; credentialId: string; principal: string; until: number; reason: '429' | 'window' | 'bucket'}
  | {type: 'rotate'; from: string; to: string; reason: string}
  | {type: 'guard'; url: string; reason: string}

export interface HttpClientOptions {
  /** The connection's API origin + base path, e.g. "https://api.bitbucket.org/2.0" or "https://bb.corp/rest". */
  baseUrl: string
  credentials: HttpCredential[]
  provider: 'cloud' | 'datacenter'
  /** Tests pass a MockAgent; default: an EnvHttpProxyAgent honouring HTTPS_PROXY / NO_PROXY and caFile. */
  dispatcher?: Dispatcher
  /** PEM file with extra CA certificates (self-signed Data Center). */
  caFile?: string
  /** Per-attempt timeout for headers and body. */
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
  limiter?: Partial<LimiterOptions>
  /** Where each principal's spent budget outlives the process (default: none). */
  budgetLedger?: BudgetLedger
  /** Give up waiting for rate limits when a wait would pass this epoch ms (sync --max-wait). */
  waitDeadline?: number
  clock?: Clock
  /** [0,1) source for jitter; injectable for tests. */
  random?: () => number
  onEvent?: (event: HttpEvent) => void
  /** Also told every event, already redacted; default: stderr lines when BB_INTEGRATE_DEBUG names `http`. */
  debug?: (event: HttpEvent) => void
  userAgent?: string
  /** A budget shared with other processes (workers), consulted before every request and told of every 429. */
  sharedBudget?: SharedBudget
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read for the default dispatcher (default process.env). */
  env?: NodeJS.ProcessEnv
}

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  query?: Query
  /** JSON body (serialised) or a pre-encoded string with contentType. */
  body?: unknown
  contentType?: string
  signal?: AbortSignal
  /** Statuses that resolve instead of throwing (e.g. [404] for "is it there?"). */
  okStatuses?: number[]
  /** Pin one credential (validate checks each). */
  credentialId?: string
}

export interface HttpResponse<T> {
  status: number
  headers: Record<string, string>
  body: T
  /** Which credential served it. */
  credentialId: string
}

export interface HttpStats {
  requests: number
  retries: number
  rateLimitWaits: number
  rateLimitWaitMs: number
}

export interface HttpClient {
  readonly baseUrl: string
  /**
   * `pathOrUrl` is a path under baseUrl ("/repositories/ws") or an absolute URL taken from a
   * `next` link. An absolute URL on another origin is refused with a GuardError and never fetched.
   */
  request<T = unknown>(pathOrUrl: string, options?: RequestOptions): Promise<HttpResponse<T>>
  stats(): HttpStats
  rateLimits(): RateLimitState[]
  close(): Promise<void>
}
