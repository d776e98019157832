/**
 * How a flavour (Cloud, Data Center) plugs into the emulator's HTTP server. The server owns the
 * socket, faults, latency, admin API, request accounting and webhook delivery; a flavour owns its
 * routes, its authentication rules and its rate-limit behaviour.
 */
import type {IncomingHttpHeaders} from 'node:http'

import type {Flavor, MutationResult, World} from '../world/types.js'
import type {CredentialRegistry} from './credentials.js'
import type {HookRegistry} from './hooks.js'
import type {RateWindows} from './rate-windows.js'

export interface EmuRequest {
  method: string
  /** Path without query, e.g. "/2.0/repositories/acme". */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  rawBody: Buffer
  /** Base URL the client used, e.g. "http://127.0.0.1:7990" — for building `next` and `links`. */
  origin: string
}

export interface EmuResponse {
  status: number
  headers?: Record<string, string>
  /** Objects are sent as JSON; strings/Buffers as is. */
  body?: unknown
}

/** Who made a request, after authentication. */
export interface Principal {
  /** Rate-limit key: user, access token, or OAuth consumer. */
  budgetKey: string
  /** The user (uuid) the request acts as, or null for repository/workspace access tokens. */
  user: string | null
  kind: 'api-token' | 'access-token' | 'oauth' | 'pat' | 'basic'
  /** Granted scopes (Cloud classic names for OAuth/access tokens, `read:repository:bitbucket` style for API tokens, DC permissions). */
  scopes: string[]
  /** For repo/project/workspace access tokens: the resource they are bound to. */
  boundTo?: string
}

export interface RouteContext {
  world: World
  principal: Principal
  params: Record<string, string>
  /** Emit webhook deliveries for a mutation (used by admin and write routes). */
  emit(result: MutationResult): void
  /** Per-server state shared by the server and the flavour (credentials, hooks, limits). */
  state: ServerState
}

/** A request budget: `requestsPerWindow` per rolling `windowMs` (Cloud) or bucket size/refill period (DC). */
export interface RateLimitConfig {
  requestsPerWindow: number
  windowMs: number
}

/**
 * Everything one running emulator keeps besides the world. Flavour modules are stateless singletons,
 * so the server hands them this object; several emulators can live in one process without sharing it.
 */
export interface ServerState {
  readonly flavor: Flavor
  /** Origin of the running server, e.g. "http://127.0.0.1:7990" (set once listening). */
  origin: string
  credentials: CredentialRegistry
  hooks: HookRegistry
  /** Explicit rate limit, or undefined for the flavour's default; null disables limiting. */
  rateLimit: RateLimitConfig | null | undefined
  /** Rolling-window request logs keyed by budget key (Cloud uses it; any flavour may). */
  windows: RateWindows
  /** OAuth access-token lifetime in seconds for tokens issued from now on (Cloud default 7200). */
  accessTokenTtlSec: number
  /** Milliseconds clock, injectable so tests can expire tokens without waiting. */
  now(): number
  /** Flavour-private per-server state (e.g. a DC token bucket), keyed by the flavour's own names. */
  scratch: Map<string, unknown>
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path pattern with `:name` segments, e.g. "/2.0/repositories/:workspace/:repo_slug/pullrequests". */
  path: string
  /** Scopes any one of which grants access (flavour semantics); empty = authentication only. */
  scopes?: string[]
  /** Public endpoints skip authentication. */
  public?: boolean
  handler(req: EmuRequest, ctx: RouteContext): EmuResponse | Promise<EmuResponse>
}

export interface FlavorModule {
  flavor: Flavor
  routes: Route[]
  /** Resolve credentials; return an EmuResponse (401) when they are bad. */
  authenticate(req: EmuRequest, world: World, state: ServerState): Principal | EmuResponse
  /** The 403 to send when scopes are missing. */
  forbidden(required: string[], granted: string[]): EmuResponse
  /** Count one request against the principal's budget; a response (429) when over. */
  rateLimit(principal: Principal, nowMs: number, state: ServerState): {ok: true; headers?: Record<string, string>} | {ok: false; response: EmuResponse}
  /** Turn a flavour-neutral mutation event into (event key, payload) webhook deliveries. */
  webhookPayload(event: MutationResult['events'][number], world: World, state: ServerState): {eventKey: string; payload: unknown; headers?: Record<string, string>} | null
  /**
   * Scope decision for a route; return the scopes to name as "required" in the 403, or null when
   * granted. Without it the server grants when any of route.scopes is among principal.scopes.
   */
  checkScopes?(route: Route, principal: Principal): string[] | null
  /** The flavour's error body for server-level errors (unknown path 404, 405, injected 5xx). */
  errorResponse?(status: number, message: string): EmuResponse
  /** Headers added to every response of a matched route (e.g. Cloud's X-Accepted-OAuth-Scopes). */
  responseHeaders?(route: Route, principal: Principal | null): Record<string, string>
}
