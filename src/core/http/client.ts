import type {Dispatcher} from 'undici'
import {systemClock} from '../clock.js'
import {AuthError, BbError, GuardError, NetworkError, UsageError} from '../errors.js'
import {parseRetryAfter} from './backoff.js'
import {ledgerKey} from './budget-ledger.js'
import {CredentialPool} from './credential-pool.js'
import {createDefaultDispatcher, routesThroughProxy} from './dispatcher.js'
import {readErrorBody} from './error-body.js'
import {classifyTransportError, describeTransportFailure} from './network-errors.js'
import {checkSameOrigin, resolveRequestUrl} from './origin-guard.js'
import {readRateLimitHeaders} from './rate-limit-headers.js'
import {redact, redactError, redactValue} from './redact.js'
import {abortPolicy, invalidBodyPolicy, rateLimitPolicy, redirectPolicy, serverErrorPolicy, transportPolicy, unauthorizedPolicy} from './policies.js'
import type {AttemptState, Decision} from './policies.js'
import {parseBody} from './response-body.js'
import {sendOnce} from './send-once.js'
import type {WireResponse} from './send-once.js'
import {errorForStatus} from './status-errors.js'
import {DEFAULT_RETRY} from './types.js'
import {CLOUD_REQUESTS_PER_HOUR} from './types.js'
import type {
  HttpClient, HttpClientOptions, HttpCredential, HttpEvent, HttpResponse, HttpStats, RequestOptions, RetryPolicy,
} from './types.js'

const DEFAULT_TIMEOUT_MS = 30_000
const HOUR_MS = 3_600_000
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * The one HTTP client under every Bitbucket call.
 *
 * Retries are ours rather than undici's RetryAgent because each retry may need another credential
 * (429 rotation), must respect the per-principal limiter and must charge a per-request wait budget.
 *
 * Each attempt is sent, classified, and handed to its policy (src/core/http/policies.ts), which
 * decides: return, retry, refresh, rotate, wait out the window, follow, or throw. This function
 * performs the decisions (sleep, refresh, throttle, events) and keeps the per-request state.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = parseBaseUrl(options.baseUrl)
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const policy = readPolicy(options.retry)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!(timeoutMs > 0)) throw new UsageError(`The HTTP timeout must be positive (got ${timeoutMs}).`)
  const ownsDispatcher = options.dispatcher === undefined
  const dispatcher: Dispatcher = options.dispatcher ?? createDefaultDispatcher({caFile: options.caFile, env: options.env})
  const proxied = routesThroughProxy(dispatcher)
  const userAgent = options.userAgent ?? 'bb-integrate'
  const stats: HttpStats = {requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0}
  let closed = false

  // Every Authorization value we sent, so a refreshed token is redacted too. The list is cached
  // (it is consulted for every event) and rebuilt whenever a new value was sent or a token refreshed.
  const sentAuthorizations = new Set<string>()
  let secretsCache: string[] | null = null
  const secrets = (): string[] =>
    (secretsCache ??= [...new Set([...sentAuthorizations, ...options.credentials.flatMap((c) => c.secrets())])])
  const listener = options.onEvent
  const debug = options.debug
  const emit = (event: HttpEvent): void => {
    if (!listener && !debug) return
    const safe = redactEvent(event, secrets)
    try {
      listener?.(safe)
      debug?.(safe)
    } catch {
      // A renderer's failure must not fail the request it is reporting on.
    }
  }

  const limiter = options.limiter ?? {}
  const pool = new CredentialPool({
    credentials: options.credentials,
    clock,
    waitDeadline: options.waitDeadline,
    emit,
    stats,
    ledger: options.budgetLedger ? {store: options.budgetLedger, keyOf: (principal) => ledgerKey(options.baseUrl, principal)} : undefined,
    budget: {
      windowMs: limiter.windowMs ?? HOUR_MS,
      requestsPerWindow: limiter.requestsPerWindow ?? CLOUD_REQUESTS_PER_HOUR,
      // Data Center has no hourly window: its admin token bucket is read from the headers instead.
      enforceWindow: options.provider === 'cloud' || limiter.requestsPerWindow !== undefined,
      explicitLimit: limiter.requestsPerWindow !== undefined,
    },
  })

  const refuse = (url: string, reason: string): never => {
    emit({type: 'guard', url, reason})
    throw new GuardError(`Refused to request ${redact(url, secrets())}: ${reason}. Credentials are only sent to ${base.origin}.`, {
      code: 'foreign_origin',
      remedy: 'This looks like a bad or tampered pagination/redirect link; check the base URL of the connection.',
    })
  }

  const sleep = async (ms: number, signal: AbortSignal | undefined): Promise<void> => {
    try {
      await clock.sleep(ms, signal)
    } catch (err) {
      const aborted = abortPolicy(signal)
      if (aborted?.action === 'throw') throw aborted.error
      throw err
    }
  }

  const authorizationFor = async (credential: HttpCredential): Promise<string> => {
    let value: string
    try {
      value = await credential.authorization()
    } catch (err) {
      if (err instanceof BbError) throw err
      throw new AuthError(`Could not get an Authorization header for credential "${credential.id}".`, {
        code: 'credential_unavailable',
        cause: redactError(err, secrets()),
        remedy: 'Run `bb-integrate auth status` to check the stored credential, or `bb-integrate connect` again.',
      })
    }
    if (!sentAuthorizations.has(value)) {
      sentAuthorizations.add(value)
      const token = value.replace(/^\S+\s+/, '')
      if (token !== value) sentAuthorizations.add(token)
      secretsCache = null
    }
    return value
  }

  const refresh = async (credential: HttpCredential): Promise<boolean> => {
    if (!credential.refresh) return false
    secretsCache = null
    try {
      return await credential.refresh()
    } catch (err) {
      if (err instanceof BbError) throw err
      throw new AuthError(`Refreshing credential "${credential.id}" after a 401 failed.`, {
        code: 'refresh_failed',
        cause: redactError(err, secrets()),
        remedy: 'Run `bb-integrate connect` again to authorise anew.',
      })
    }
  }

  async function execute<T>(pathOrUrl: string, ro: RequestOptions): Promise<HttpResponse<T>> {
    const method = ro.method ?? 'GET'
    const signal = ro.signal
    const resolved = resolveRequestUrl(base, pathOrUrl, ro.query)
    if (!resolved.ok) return refuse(resolved.url, resolved.reason)
    let url = resolved.url
    const idempotent = method === 'GET'
    const headers: Record<string, string> = {accept: 'application/json', 'user-agent': userAgent}
    let body: string | undefined
    if (ro.body !== undefined) {
      const raw = typeof ro.body === 'string' && ro.contentType !== undefined
      body = raw ? (ro.body as string) : JSON.stringify(ro.body)
      headers['content-type'] = ro.contentType ?? 'application/json'
    }

    let attempts = 0
    let retryIndex = 0
    let waitedMs = 0
    let followedRedirect = false
    const refreshed = new Set<string>()
    const shown = () => redact(url.href, secrets())
    const state = (): AttemptState => ({idempotent, attempts, retryIndex, waitedMs, policy, random, provider: options.provider})

    /** Perform a retry decision: count it, report it, sleep; a throw decision throws. */
    const act = async (decision: Decision): Promise<void> => {
      if (decision.action === 'throw') throw decision.error
      if (decision.action !== 'retry') throw new Error(`unexpected decision ${decision.action}`)
      stats.retries++
      retryIndex++
      emit({type: 'retry', method, url: url.href, attempt: attempts, delayMs: decision.delayMs, reason: decision.reason})
      await sleep(decision.delayMs, signal)
      waitedMs += decision.delayMs
    }

    for (;;) {
      const aborted = abortPolicy(signal)
      if (aborted) return act(aborted) as never
      attempts++
      const credential = await pool.acquire({
        credentialId: ro.credentialId,
        signal,
        throttleBudgetMs: policy.totalBudgetMs - waitedMs,
        onThrottleWait: (ms) => {
          waitedMs += ms
        },
      })
      // Other processes spend this principal's budget too: the shared ledger has the last word.
      if (options.sharedBudget) await options.sharedBudget.take(credential.principal, signal)
      const attemptHeaders = {...headers, authorization: await authorizationFor(credential)}
      emit({type: 'request', method, url: url.href, credentialId: credential.id, attempt: attempts})
      stats.requests++
      const started = clock.now()
      let wire: WireResponse
      try {
        wire = await sendOnce(dispatcher, {url, method, headers: attemptHeaders, body, signal, timeoutMs})
      } catch (err) {
        const interrupted = abortPolicy(signal)
        if (interrupted) return act(interrupted) as never
        const failure = classifyTransportError(err)
        const {message, remedy} = describeTransportFailure(failure, url.host, timeoutMs, proxied)
        const error = new NetworkError(`${message} (${method} ${shown()}${attempts > 1 ? `, attempt ${attempts}` : ''})`, {
          code: `network_${failure.kind}`,
          remedy,
          cause: redactError(err, secrets()),
          details: {host: url.host, errorCode: failure.code},
        })
        await act(transportPolicy(failure, error, state()))
        continue
      }
      const status = wire.status
      emit({type: 'response', method, url: url.href, status, durationMs: clock.now() - started, credentialId: credential.id})
      pool.observe(credential, readRateLimitHeaders(wire.headers), options.provider)
      const contentType = wire.headers['content-type']

      // A 401 the caller would accept still gets one refresh first: an expired OAuth token is not an answer.
      const refreshable = status === 401 && !refreshed.has(credential.id) && Boolean(credential.refresh)
      if ((status >= 200 && status < 300) || (ro.okStatuses?.includes(status) && !refreshable)) {
        const parsed = parseBody(wire.text, contentType)
        if (parsed.ok) return {status, headers: wire.headers, body: parsed.body as T, credentialId: credential.id}
        if (status >= 300) return {status, headers: wire.headers, body: parsed.text as T, credentialId: credential.id}
        const error = new NetworkError(`Bitbucket sent a truncated or invalid JSON body for ${method} ${shown()}.`, {
          code: 'invalid_json',
          cause: redactError(parsed.error, secrets()),
          remedy: 'Run the command again; a proxy may be cutting responses short.',
        })
        await act(invalidBodyPolicy(error, state()))
        continue
      }

      if (REDIRECTS.has(status)) {
        const location = wire.headers.location
        const target = location === undefined ? null : safeUrl(location, url)
        const redirect = redirectPolicy(target, target === null ? null : checkSameOrigin(base, target), followedRedirect, state())
        if (redirect?.action === 'refuse') return refuse(redirect.url.href, `redirect ${status}: ${redirect.reason}`)
        if (redirect?.action === 'follow') {
          followedRedirect = true
          url = redirect.url
          attempts--
          continue
        }
      }

      const parsed = parseBody(wire.text, contentType)
      const errorBody = redactValue(parsed.ok ? parsed.body : parsed.text, secrets())
      const info = readErrorBody(errorBody)
      if (info.message !== null) info.message = redact(info.message, secrets())
      const failure = () =>
        errorForStatus({status, method, url: shown(), credentialId: credential.id, info, body: errorBody, attempts})

      if (unauthorizedPolicy(status, Boolean(credential.refresh), refreshed.has(credential.id))) {
        refreshed.add(credential.id)
        if (await refresh(credential)) {
          // A fresh token is a new first try, not a retry against a failing server.
          attempts--
          stats.retries++
          emit({type: 'retry', method, url: url.href, attempt: attempts + 1, delayMs: 0, reason: '401: refreshed credential'})
          continue
        }
      }

      if (status === 429) {
        const retryAfter = parseRetryAfter(wire.headers['retry-after'], clock.now())
        const decision = rateLimitPolicy(retryAfter, state(), () => ({what: `${method} ${shown()}`, credentialId: credential.id, principal: credential.principal}))
        if (decision.action === 'wait-window') {
          const until = pool.saturate(credential)
          stats.retries++
          emit({type: 'retry', method, url: url.href, attempt: attempts, delayMs: Math.max(0, until - clock.now()), reason: '429: rate-limit window spent'})
          continue
        }
        if (decision.action !== 'rotate') return act(decision) as never
        pool.throttle(credential, clock.now() + decision.delayMs)
        if (options.sharedBudget) await options.sharedBudget.pause(credential.principal, clock.now() + decision.delayMs)
        if (decision.giveUp) throw decision.giveUp
        // No sleep here: the pool rotates to another principal, or waits (charged to the budget).
        stats.retries++
        retryIndex++
        emit({type: 'retry', method, url: url.href, attempt: attempts, delayMs: decision.delayMs, reason: '429'})
        continue
      }

      const serverError = serverErrorPolicy(status, parseRetryAfter(wire.headers['retry-after'], clock.now()), failure(), state())
      if (serverError) {
        await act(serverError)
        continue
      }
      throw failure()
    }
  }

  return {
    baseUrl: options.baseUrl,
    async request<T = unknown>(pathOrUrl: string, ro: RequestOptions = {}): Promise<HttpResponse<T>> {
      if (closed) throw new BbError('The HTTP client was closed; open the connection again.', {code: 'client_closed'})
      try {
        return await execute<T>(pathOrUrl, ro)
      } catch (err) {
        throw scrub(err, secrets())
      }
    },
    stats: () => ({...stats}),
    rateLimits: () => pool.states(),
    async close() {
      if (closed) return
      closed = true
      await pool.flush()
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new UsageError(`The base URL "${redact(baseUrl)}" is not a valid URL.`, {
      remedy: 'Use e.g. https://api.bitbucket.org/2.0 or https://bitbucket.example.com/rest.',
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`The base URL must start with https:// (got ${url.protocol}).`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('The base URL must not contain a user name or password.', {
      remedy: 'Remove them from the URL; credentials are stored separately with `bb-integrate connect`.',
    })
  }
  return url
}

function readPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = {...DEFAULT_RETRY, ...partial}
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new UsageError(`Retry maxAttempts must be a whole number ≥ 1 (got ${policy.maxAttempts}).`)
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'totalBudgetMs'] as const) {
    if (!(policy[key] >= 0)) throw new UsageError(`Retry ${key} must be ≥ 0 (got ${policy[key]}).`)
  }
  return policy
}

function safeUrl(location: string, relativeTo: URL): URL | null {
  try {
    return new URL(location, relativeTo)
  } catch {
    return null
  }
}

function redactEvent(event: HttpEvent, secrets: () => string[]): HttpEvent {
  switch (event.type) {
    case 'request':
    case 'response':
    case 'guard':
      return {...event, url: redact(event.url, secrets())}
    case 'retry':
      return {...event, url: redact(event.url, secrets()), reason: redact(event.reason, secrets())}
    default:
      return event
  }
}

/** Last line of defence: whatever escapes request() carries no secret in message or cause. */
function scrub(err: unknown, secrets: string[]): unknown {
  if (!(err instanceof Error)) return redactError(err, secrets)
  err.message = redact(err.message, secrets)
  const cause = (err as {cause?: unknown}).cause
  if (cause !== undefined) {
    Object.defineProperty(err, 'cause', {value: redactError(cause, secrets), writable: true, configurable: true})
  }
  if (err.stack) err.stack = redact(err.stack, secrets)
  return err
}
