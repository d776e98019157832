/**
 * Webhook delivery the way Bitbucket documents it: POST with a JSON body, signed with
 * `X-Hub-Signature: sha256=<hex HMAC>` when the hook has a secret, 10 s timeout. Cloud: on a 5xx up
 * to two more attempts carrying the same X-Request-UUID. Data Center: one attempt with its
 * X-Request-Id, and a circuit breaker per hook: after 5 failures in a row the hook is skipped for
 * 10 s, doubling on each further failure up to 10 h; a success closes it. Every attempt is recorded.
 */
import {createHmac, randomUUID} from 'node:crypto'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'

import type {Hook} from './hooks.js'

export interface DeliveryAttempt {
  attempt: number
  at: string
  status: number | null
  error: string | null
  durationMs: number
}

export interface Delivery {
  id: number
  hookId: string
  url: string
  eventKey: string
  requestUuid: string
  /** The exact bytes sent, for signature checks. */
  body: string
  headers: Record<string, string>
  attempts: DeliveryAttempt[]
  /** pending until the last attempt settles; skipped = not sent (Data Center circuit breaker open). */
  outcome: 'pending' | 'delivered' | 'failed' | 'skipped'
}

export type DeliveryStyle = 'cloud' | 'datacenter'

/** Data Center's circuit breaker: failures before it opens, first and longest skip window. */
export const DC_BREAKER = {failures: 5, firstSkipMs: 10_000, maxSkipMs: 10 * 3_600_000}

interface BreakerState {
  failures: number
  skipUntil: number
  skipMs: number
}

export interface DeliveryOptions {
  timeoutMs?: number
  /** Pause before a retry; Bitbucket waits longer, tests do not want to. */
  retryDelayMs?: number
  maxAttempts?: number
}

export function signature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = []
  private readonly pending = new Set<Promise<void>>()
  private readonly inFlight = new Set<AbortController>()
  private closed = false
  private seq = 0

  constructor(private readonly options: DeliveryOptions = {}, private readonly onAttempt: () => void = () => {}) {}

  deliver(hook: Hook, eventKey: string, payload: unknown, extraHeaders: Record<string, string> = {}, style: DeliveryStyle = 'cloud'): Delivery {
    const body = JSON.stringify(payload)
    const requestUuid = style === 'datacenter' ? extraHeaders['X-Request-Id'] ?? randomUUID() : randomUUID()
    const headers: Record<string, string> = style === 'datacenter'
      ? {'Content-Type': 'application/json; charset=utf-8', 'X-Event-Key': eventKey, 'X-Request-Id': requestUuid, ...extraHeaders}
      : {
          'Content-Type': 'application/json',
          'User-Agent': 'Bitbucket-Webhooks/2.0',
          'X-Event-Key': eventKey,
          'X-Hook-UUID': hook.id.replace(/[{}]/g, ''),
          'X-Request-UUID': requestUuid,
          ...extraHeaders,
        }
    if (hook.secret) headers['X-Hub-Signature'] = signature(hook.secret, body)
    this.seq += 1
    const delivery: Delivery = {id: this.seq, hookId: hook.id, url: hook.url, eventKey, requestUuid, body, headers, attempts: [], outcome: 'pending'}
    this.deliveries.push(delivery)
    if (style === 'datacenter' && this.breakerOpen(hook.id)) {
      delivery.outcome = 'skipped'
      return delivery
    }
    const run = (style === 'datacenter' ? this.runOnce(delivery) : this.run(delivery)).finally(() => this.pending.delete(run))
    this.pending.add(run)
    return delivery
  }

  /** Stop: abort attempts in flight and skip further retries (the emulator is closing). */
  close(): void {
    this.closed = true
    for (const controller of this.inFlight) controller.abort()
  }

  /** Resolves when every delivery started so far has settled (including retries). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending])
  }

  private readonly breakers = new Map<string, BreakerState>()

  private breakerOpen(hookId: string): boolean {
    const b = this.breakers.get(hookId)
    return b !== undefined && b.failures >= DC_BREAKER.failures && Date.now() < b.skipUntil
  }

  /** Data Center: a single attempt; its outcome feeds the hook's circuit breaker. */
  private async runOnce(delivery: Delivery): Promise<void> {
    const started = Date.now()
    let status: number | null = null
    let error: string | null = null
    const controller = new AbortController()
    this.inFlight.add(controller)
    try {
      status = await post(delivery.url, delivery.headers, delivery.body, this.options.timeoutMs ?? 10_000, controller.signal)
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    } finally {
      this.inFlight.delete(controller)
    }
    this.onAttempt()
    delivery.attempts.push({attempt: 1, at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started})
    const ok = status !== null && status >= 200 && status < 300
    delivery.outcome = ok ? 'delivered' : 'failed'
    const b = this.breakers.get(delivery.hookId) ?? {failures: 0, skipUntil: 0, skipMs: 0}
    if (ok) {
      this.breakers.delete(delivery.hookId)
      return
    }
    b.failures += 1
    if (b.failures >= DC_BREAKER.failures) {
      b.skipMs = b.skipMs === 0 ? DC_BREAKER.firstSkipMs : Math.min(b.skipMs * 2, DC_BREAKER.maxSkipMs)
      b.skipUntil = Date.now() + b.skipMs
    }
    this.breakers.set(delivery.hookId, b)
  }

  private async run(delivery: Delivery): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt += 1) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 200))
      if (this.closed) break
      const started = Date.now()
      let status: number | null = null
      let error: string | null = null
      const controller = new AbortController()
      this.inFlight.add(controller)
      try {
        status = await post(delivery.url, {...delivery.headers, 'X-Attempt-Number': String(attempt)}, delivery.body, this.options.timeoutMs ?? 10_000, controller.signal)
      } catch (err) {
        error = err instanceof Error ? err.message : String(err)
      } finally {
        this.inFlight.delete(controller)
      }
      this.onAttempt()
      delivery.attempts.push({attempt, at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started})
      if (status !== null && status < 500) {
        delivery.outcome = status < 300 ? 'delivered' : 'failed'
        return
      }
      // Only 5xx answers are retried by Bitbucket; a timeout or refused connection counts the same way here.
    }
    delivery.outcome = 'failed'
  }
}

/**
 * One POST with node:http(s) rather than fetch, so a test's global undici dispatcher (MockAgent,
 * proxy) never intercepts the emulator's own outgoing deliveries. Self-signed receivers are accepted.
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const payload = Buffer.from(body)
    const req = send(target, {
      method: 'POST',
      headers: {...headers, 'Content-Length': String(payload.length)},
      rejectUnauthorized: false,
      signal,
    }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    // The whole attempt (connect, send, answer) must finish within the timeout, as on Cloud.
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
    req.on('close', () => clearTimeout(timer))
    req.on('error', reject)
    req.end(payload)
  })
}
