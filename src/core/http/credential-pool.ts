import type {Clock} from '../clock.js'
import {BudgetExhaustedError, InterruptedError, UsageError} from '../errors.js'
import type {BudgetLedger} from './budget-ledger.js'
import type {Block, PrincipalBudgetOptions} from './principal-budget.js'
import {PrincipalBudget} from './principal-budget.js'
import type {RateLimitHeaders} from './rate-limit-headers.js'
import type {HttpCredential, HttpEvent, RateLimitState} from './types.js'

export interface AcquireOptions {
  /** Use only this credential (validate checks each one). */
  credentialId?: string
  signal?: AbortSignal
  /** How long we may still sleep for 429 throttles within this request's retry budget. */
  throttleBudgetMs: number
  /** Told how long we slept for a 429 throttle, to charge the retry budget. */
  onThrottleWait(ms: number): void
}

export interface CredentialPoolOptions {
  credentials: HttpCredential[]
  clock: Clock
  budget: PrincipalBudgetOptions
  waitDeadline?: number
  emit(event: HttpEvent): void
  stats: {rateLimitWaits: number; rateLimitWaitMs: number}
  /** Where budgets outlive the process, keyed by `keyOf(principal)`. */
  ledger?: {store: BudgetLedger; keyOf(principal: string): string}
}

/** With no request of ours in the window, a spent Cloud window is looked at again this often. */
export const SATURATED_PROBE_MS = 60_000

/**
 * Chooses the credential for each request. Sticks to the current credential while its principal has
 * budget, rotates to another principal's credential when it has none, and sleeps until the earliest
 * one frees when all are spent. Check-and-take is synchronous so concurrent requests cannot overdraw.
 */
export class CredentialPool {
  private readonly credentials: HttpCredential[]
  private readonly budgets = new Map<string, PrincipalBudget>()
  private readonly waitingUntil = new Map<string, number>()
  private readonly published = new Map<string, string>()
  private readonly lastWait = new Map<string, number>()
  private current = 0
  private loaded: Promise<void> | null = null
  private readonly dirty = new Set<string>()
  private writing: Promise<void> | null = null

  constructor(private readonly options: CredentialPoolOptions) {
    if (options.credentials.length === 0) {
      throw new UsageError('No credential to call Bitbucket with.', {
        remedy: 'Run `bb-integrate connect`, or set BB_INTEGRATE_TOKEN.',
      })
    }
    const ids = new Set<string>()
    for (const credential of options.credentials) {
      if (ids.has(credential.id)) throw new UsageError(`Credential id "${credential.id}" is used twice in one connection.`)
      ids.add(credential.id)
      if (!this.budgets.has(credential.principal)) {
        this.budgets.set(credential.principal, new PrincipalBudget(credential.principal, options.budget))
      }
    }
    this.credentials = [...options.credentials]
  }

  async acquire(request: AcquireOptions): Promise<HttpCredential> {
    if (this.options.ledger) await (this.loaded ??= this.load())
    const candidates = this.candidates(request.credentialId)
    for (;;) {
      const now = this.options.clock.now()
      let earliest: {credential: HttpCredential; block: Block} | null = null
      let currentBlock: Block | null = null
      for (const credential of candidates) {
        const budget = this.budgetOf(credential)
        const block = budget.blockedUntil(now)
        if (block === null) {
          // A pinned request (validate checking one credential) does not move the sticky choice.
          if (request.credentialId === undefined) this.switchTo(credential, currentBlock)
          budget.take(now)
          this.publish(budget.principal)
          return credential
        }
        if (credential === candidates[0]) currentBlock = block
        if (earliest === null || block.until < earliest.block.until) earliest = {credential, block}
      }
      // Every candidate is blocked: sleep until the first frees, if the caller's limits allow it.
      if (earliest === null) throw new UsageError('No credential to call Bitbucket with.')
      await this.waitFor(earliest.credential, earliest.block, now, request)
    }
  }

  throttle(credential: HttpCredential, untilMs: number): void {
    const budget = this.budgetOf(credential)
    budget.throttle(untilMs)
    this.publish(budget.principal)
  }

  /** A Cloud 429 past the retry backoff: the window is spent; returns when the principal may try again. */
  saturate(credential: HttpCredential): number {
    const budget = this.budgetOf(credential)
    const until = budget.saturate(this.options.clock.now(), SATURATED_PROBE_MS)
    this.publish(budget.principal)
    return until
  }

  /** Resolves once every budget change so far is in the ledger. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing
  }

  observe(credential: HttpCredential, headers: RateLimitHeaders, provider: 'cloud' | 'datacenter'): void {
    const budget = this.budgetOf(credential)
    budget.observe(headers, this.options.clock.now(), provider)
    this.publish(budget.principal)
  }

  states(): RateLimitState[] {
    const now = this.options.clock.now()
    return this.credentials.map((c) => this.stateOf(c, now))
  }

  private candidates(credentialId: string | undefined): HttpCredential[] {
    if (credentialId !== undefined) {
      const pinned = this.credentials.find((c) => c.id === credentialId)
      if (!pinned) {
        throw new UsageError(`Unknown credential "${credentialId}".`, {
          remedy: `Use one of: ${this.credentials.map((c) => c.id).join(', ')}.`,
        })
      }
      return [pinned]
    }
    // Current first, then the others in order, so rotation is round-robin and otherwise sticky.
    const n = this.credentials.length
    return Array.from({length: n}, (_, i) => this.credentials[(this.current + i) % n] as HttpCredential)
  }

  private switchTo(credential: HttpCredential, currentBlock: Block | null): void {
    const index = this.credentials.indexOf(credential)
    const previous = this.credentials[this.current]
    if (index === this.current || previous === undefined) return
    this.current = index
    if (currentBlock !== null) {
      this.options.emit({type: 'rotate', from: previous.id, to: credential.id, reason: currentBlock.reason})
    }
  }

  private async waitFor(credential: HttpCredential, block: Block, now: number, request: AcquireOptions): Promise<void> {
    const waitMs = block.until - now
    const {waitDeadline} = this.options
    if (waitDeadline !== undefined && block.until > waitDeadline) {
      throw new BudgetExhaustedError(
        `Rate limit for ${credential.principal} frees at ${iso(block.until)}, after the --max-wait deadline ${iso(waitDeadline)}.`,
        {
          code: 'max_wait',
          remedy: 'Run the sync again later to resume, raise --max-wait, or add a credential of another principal.',
          details: {credentialId: credential.id, principal: credential.principal, until: block.until, reason: block.reason},
        },
      )
    }
    if (block.reason === '429' && waitMs > request.throttleBudgetMs) {
      throw new BudgetExhaustedError(
        `Bitbucket keeps answering 429 (rate limited) for ${credential.principal}; the next try at ${iso(block.until)} is past this request's retry budget.`,
        {
          code: 'rate_limited',
          remedy: 'Run the sync again later to resume, or add a credential of another principal.',
          details: {credentialId: credential.id, principal: credential.principal, until: block.until},
        },
      )
    }
    const principal = credential.principal
    if (this.lastWait.get(principal) !== block.until) {
      this.lastWait.set(principal, block.until)
      this.options.stats.rateLimitWaits++
      this.options.stats.rateLimitWaitMs += waitMs
      this.options.emit({type: 'rateLimitWait', credentialId: credential.id, principal, until: block.until, reason: block.reason})
    }
    this.waitingUntil.set(principal, block.until)
    this.publish(principal)
    try {
      await this.options.clock.sleep(waitMs, request.signal)
    } catch (err) {
      if (request.signal?.aborted) throw new InterruptedError('Stopped while waiting for the rate limit.', {code: 'interrupted'})
      throw err
    } finally {
      this.waitingUntil.delete(principal)
      this.publish(principal)
    }
    if (block.reason === '429') request.onThrottleWait(waitMs)
  }

  private async load(): Promise<void> {
    const ledger = this.options.ledger!
    await Promise.all([...this.budgets.values()].map(async (budget) => {
      try {
        const record = await ledger.store.load(ledger.keyOf(budget.principal))
        if (record) budget.restore(record, this.options.clock.now())
      } catch {
        // An unreadable ledger is a lost estimate, not a failed request.
      }
      this.publish(budget.principal)
    }))
  }

  private persist(principal: string): void {
    if (!this.options.ledger) return
    this.dirty.add(principal)
    this.writing ??= this.drain()
  }

  /** Writes changed budgets until none is left; changes made meanwhile join the next write. */
  private async drain(): Promise<void> {
    const ledger = this.options.ledger!
    // Let the current request finish its bookkeeping first, so one write covers it.
    await Promise.resolve()
    try {
      while (this.dirty.size > 0) {
        const principals = [...this.dirty]
        this.dirty.clear()
        for (const p of principals) {
          const budget = this.budgets.get(p)
          const credential = this.credentials.find((c) => c.principal === p)
          if (!budget || !credential) continue
          const now = this.options.clock.now()
          const state = this.stateOf(credential, now)
          await ledger.store.record(ledger.keyOf(p), budget.toRecord(now, state.remaining, state.limit)).catch(() => undefined)
        }
      }
    } finally {
      this.writing = null
    }
  }

  private budgetOf(credential: HttpCredential): PrincipalBudget {
    return this.budgets.get(credential.principal) as PrincipalBudget
  }

  private publish(principal: string): void {
    const now = this.options.clock.now()
    for (const credential of this.credentials) {
      if (credential.principal !== principal) continue
      const state = this.stateOf(credential, now)
      const key = `${state.limit}|${state.remaining}|${state.resetAt}|${state.waitingUntil}|${state.used}|${state.nearLimit}`
      if (this.published.get(credential.id) === key) continue
      this.published.set(credential.id, key)
      this.options.emit({type: 'rateLimit', state})
    }
    this.persist(principal)
  }

  private stateOf(credential: HttpCredential, now: number): RateLimitState {
    const budget = this.budgetOf(credential)
    const used = budget.window.used(now)
    const bucketRemaining = budget.bucket.remaining(now)
    const windowLimit = budget.enforcesWindow ? budget.windowLimit : null
    const block = budget.blockedUntil(now)
    const state: RateLimitState = {
      credentialId: credential.id,
      principal: credential.principal,
      limit: budget.bucket.known ? budget.bucket.limit : windowLimit,
      // Refused by the server (429): nothing is left, whatever our own count says.
      remaining: budget.throttled(now) ? 0 : bucketRemaining ?? (windowLimit === null ? null : Math.max(0, windowLimit - used)),
      resetAt: block?.until ?? null,
      waitingUntil: this.waitingUntil.get(credential.principal) ?? null,
      used,
    }
    if (budget.nearLimit !== null) state.nearLimit = budget.nearLimit
    return state
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
