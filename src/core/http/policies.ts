/**
 * The HTTP client's decisions, one small policy per kind of answer: each attempt is classified (a
 * transport failure, a success, a redirect, 401, 429, 5xx, another error) and its policy decides what
 * comes next — return, retry after a delay, refresh the credential, rotate to another principal, wait
 * out Cloud's spent window, follow a redirect, or throw. Policies are pure: the client
 * (src/core/http/client.ts) performs what they decide (sleep, refresh, throttle, emit).
 *
 * Only GET is retried after the request may have reached the server (5xx, reset, timeout, broken
 * body). POST/PUT/DELETE change webhooks: sending one twice can create a duplicate hook or report a
 * spurious 404, so they are retried only when the answer proves nothing was done: 429, 503 (the
 * server or its proxy refused before handling it), or a connection that never opened.
 */
import {BudgetExhaustedError, InterruptedError, type BbError} from '../errors.js'
import type {ProviderKind} from '../model.js'
import {backoffDelay} from './backoff.js'
import type {TransportFailure} from './network-errors.js'
import type {RetryPolicy} from './types.js'

/** Where one request stands when an attempt has been classified. */
export interface AttemptState {
  idempotent: boolean
  /** Attempts made, this one included. */
  attempts: number
  /** Retries with a backoff so far (the exponent of the next backoff). */
  retryIndex: number
  /** Time already spent waiting for this request (backoff, Retry-After, throttling). */
  waitedMs: number
  policy: RetryPolicy
  random: () => number
  provider?: ProviderKind
}

export type Decision =
  | {action: 'return'}
  /** Sleep `delayMs`, then try again. */
  | {action: 'retry'; delayMs: number; reason: string}
  /** Refresh the credential and send again; a fresh token is a new first try. */
  | {action: 'refresh'}
  /** 429: hold this credential back `delayMs`; the pool rotates to another principal or waits — or, out of attempts, give up. */
  | {action: 'rotate'; delayMs: number; giveUp: BbError | null}
  /** Cloud's hourly window is spent: wait for it like the limiter's own window (bounded by --max-wait). */
  | {action: 'wait-window'}
  | {action: 'follow'; url: URL}
  | {action: 'throw'; error: BbError}

/** A delay that fits what is left of the attempts and the wait budget, or the failure to throw instead. */
export function withinBudget(state: AttemptState, delayMs: number, reason: string, failure: BbError): Decision {
  if (state.attempts >= state.policy.maxAttempts || state.waitedMs + delayMs > state.policy.totalBudgetMs) return {action: 'throw', error: failure}
  return {action: 'retry', delayMs, reason}
}

const backoff = (state: AttemptState): number => backoffDelay(state.retryIndex, state.policy, state.random)

/** The request was aborted by its caller: whatever failed afterwards, the answer is "interrupted". */
export function abortPolicy(signal: AbortSignal | undefined): Decision | null {
  return signal?.aborted ? {action: 'throw', error: new InterruptedError('Request interrupted.', {code: 'interrupted'})} : null
}

/** No answer: retry what cannot have been done twice (or anything idempotent), with backoff. */
export function transportPolicy(failure: TransportFailure, error: BbError, state: AttemptState): Decision {
  if (failure.retry === 'never' || (failure.retry === 'idempotent' && !state.idempotent)) return {action: 'throw', error}
  return withinBudget(state, backoff(state), failure.kind, error)
}

/** A 2xx whose body is not the JSON it claims: a proxy cut it short, so a GET is worth another try. */
export function invalidBodyPolicy(error: BbError, state: AttemptState): Decision {
  if (!state.idempotent) return {action: 'throw', error}
  return withinBudget(state, backoff(state), 'invalid JSON body', error)
}

/** A redirect is followed once, only for GET, and only to the connection's own origin. */
export function redirectPolicy(target: URL | null, refusal: string | null, followed: boolean, state: AttemptState): Decision | {action: 'refuse'; url: URL; reason: string} | null {
  if (target === null) return null
  if (refusal !== null) return {action: 'refuse', url: target, reason: refusal}
  if (!followed && state.idempotent) return {action: 'follow', url: target}
  return null
}

/** 401 with a credential that can refresh, not yet refreshed for this request: refresh once. */
export function unauthorizedPolicy(status: number, canRefresh: boolean, alreadyRefreshed: boolean): Decision | null {
  return status === 401 && canRefresh && !alreadyRefreshed ? {action: 'refresh'} : null
}

/**
 * 429: wait what Retry-After says (else back off) on this credential while the pool rotates to
 * another principal. Cloud says neither when nor why: past the quick backoff the hourly window is
 * spent, and that is waited for like the limiter's own window. Out of attempts: give up, resumable.
 */
export function rateLimitPolicy(retryAfterMs: number | null, state: AttemptState, describe: () => {what: string; credentialId: string; principal: string}): Decision {
  const delayMs = retryAfterMs ?? backoff(state)
  const spent = state.attempts >= state.policy.maxAttempts || state.waitedMs + delayMs > state.policy.totalBudgetMs
  if (retryAfterMs === null && state.provider === 'cloud' && spent) return {action: 'wait-window'}
  // The credential is held back either way: other requests of this client must not hit the limit too.
  if (state.attempts >= state.policy.maxAttempts) {
    const {what, credentialId, principal} = describe()
    const error = new BudgetExhaustedError(`Bitbucket answered 429 (rate limited) ${state.attempts} times for ${what}; giving up for now.`, {
      code: 'rate_limited',
      remedy: 'Run the command again later to resume, or add a credential of another principal.',
      details: {credentialId, principal},
    })
    return {action: 'rotate', delayMs, giveUp: error}
  }
  return {action: 'rotate', delayMs, giveUp: null}
}

/** 5xx: the server failed; GET (and 503, refused before handling) are tried again, after Retry-After if given. */
export function serverErrorPolicy(status: number, retryAfterMs: number | null, failure: BbError, state: AttemptState): Decision | null {
  if (status < 500 || !(state.idempotent || status === 503)) return null
  return withinBudget(state, retryAfterMs ?? backoff(state), String(status), failure)
}
