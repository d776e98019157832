/** Builds the per-server state handed to flavours; the clock can be moved forward for expiry tests. */
import {CredentialRegistry} from './credentials.js'
import {HookRegistry} from './hooks.js'
import {RateWindows} from './rate-windows.js'
import type {RateLimitConfig, ServerState} from './types.js'
import type {Flavor} from '../world/types.js'

export interface MutableServerState extends ServerState {
  /** Milliseconds added to the wall clock (admin "advance clock"). */
  clockOffsetMs: number
}

export function createServerState(flavor: Flavor, options: {rateLimit?: RateLimitConfig | null; accessTokenTtlSec?: number; now?: () => number}): MutableServerState {
  const base = options.now ?? Date.now
  const state: MutableServerState = {
    flavor,
    origin: '',
    clockOffsetMs: 0,
    now: () => base() + state.clockOffsetMs,
    credentials: undefined as unknown as CredentialRegistry,
    hooks: new HookRegistry(),
    rateLimit: options.rateLimit,
    windows: new RateWindows(),
    accessTokenTtlSec: options.accessTokenTtlSec ?? 7200,
    scratch: new Map(),
  }
  state.credentials = new CredentialRegistry(() => state.now())
  return state
}
