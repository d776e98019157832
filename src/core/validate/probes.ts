import type {Repository} from '../model.js'
import type {Identity} from '../provider/types.js'
import {describeError, type DescribedError} from './describe.js'
import type {ReachResult} from './net.js'
import type {ValidateDeps} from './types.js'

export type Outcome<T> = {ok: true; value: T} | {ok: false; error: DescribedError}

/**
 * Requests shared between checks, each made at most once: the identity probe serves the credential,
 * identity and scope rows; the repo probes serve the repo and scope rows. Every outcome that was a
 * 429 is remembered for the rate-limit row.
 */
export class Probes {
  private readonly memo = new Map<string, Promise<unknown>>()
  rateLimited = false
  /** Every described failure, for the scope row's `detail.required` harvest. */
  readonly failures: DescribedError[] = []

  constructor(private readonly deps: ValidateDeps, private readonly signal: AbortSignal) {}

  private once<T>(key: string, run: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined
    if (!p) this.memo.set(key, (p = run()))
    return p
  }

  private async outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return {ok: true, value: await run()}
    } catch (err) {
      const error = describeError(err)
      if (error.kind === 'rateLimited') this.rateLimited = true
      this.failures.push(error)
      return {ok: false, error}
    }
  }

  reach(): Promise<ReachResult | null> {
    const {connection} = this.deps
    if (!connection) return Promise.resolve(null)
    return this.once('reach', () =>
      this.deps.reach(connection.url, {timeoutMs: Math.max(500, this.deps.checkTimeoutMs - 250), caFile: connection.caFile}),
    )
  }

  identity(httpId: string): Promise<Outcome<Identity>> {
    const provider = this.deps.provider
    if (!provider) throw new Error('no provider')
    return this.once(`identity:${httpId}`, () => this.outcome(() => provider.identity({credentialId: httpId, signal: this.signal})))
  }

  repository(key: string): Promise<Outcome<Repository | null>> {
    const provider = this.deps.provider
    if (!provider) throw new Error('no provider')
    return this.once(`repo:${key}`, () => this.outcome(() => provider.repository(key, this.signal)))
  }

  /** Reads only the first page: enough to prove the permission. */
  pullRequests(key: string): Promise<Outcome<number>> {
    const provider = this.deps.provider
    if (!provider) throw new Error('no provider')
    return this.once(`prs:${key}`, () =>
      this.outcome(async () => {
        for await (const page of provider.pullRequests(key, {}, this.signal)) return page.items.length
        return 0
      }),
    )
  }

  /** First page of the listing, for scope probing when nothing is selected. */
  firstRepos(): Promise<Outcome<Repository[]>> {
    const provider = this.deps.provider
    if (!provider) throw new Error('no provider')
    return this.once('repos:first', () =>
      this.outcome(async () => {
        for await (const page of provider.repositories({}, this.signal)) return page.items
        return []
      }),
    )
  }

  serverVersion(): Promise<Outcome<string | null>> {
    const provider = this.deps.provider
    if (!provider) throw new Error('no provider')
    return this.once('version', () => this.outcome(() => provider.serverVersion(this.signal)))
  }
}
