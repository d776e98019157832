/**
 * The admin API: what a test (or the demo) uses to set the stage — create credentials, mutate the world,
 * read the truth, inject faults, change limits, inspect requests and webhook deliveries. Served over HTTP
 * under /_admin without authentication (admin-http.ts), and callable in-process with the same semantics.
 */
import type {Credential, CredentialKind} from './credentials.js'
import type {EmulatorCore} from './core.js'
import type {FaultPlan} from './faults.js'
import type {Hook} from './hooks.js'
import type {StatsSnapshot} from './stats.js'
import type {RateLimitConfig} from './types.js'
import type {Delivery} from './webhooks.js'
import type {EntityMap, EntityName} from '../../src/core/model.js'
import type {Mutation, MutationResult, WUser} from '../world/types.js'

export interface TokenRequest {
  kind: CredentialKind
  /** uuid, account id, nickname/slug, username or e-mail of a world user; default: the first user. */
  user?: string
  /** Basic-auth login for API tokens; default: the user's e-mail. */
  email?: string
  /** Basic-auth login for DC passwords/PATs; default: the user's username. */
  username?: string
  scopes?: string[]
  boundTo?: string
  /** ISO time or epoch ms. */
  expiresAt?: string | number
  expiresInSec?: number
  name?: string
  callbackUrl?: string
  deny?: boolean
  secret?: string
}

export interface CreatedToken {
  id: string
  kind: CredentialKind
  /** The token, password or (OAuth) consumer secret. */
  secret: string
  /** OAuth consumers: the client id. */
  key: string | null
  user: string | null
  login: string | null
  scopes: string[]
  boundTo: string | null
  expiresAt: string | null
  /** A ready Authorization header value (not for OAuth consumers). */
  authorization: string | null
}

export interface MutationOutcome extends MutationResult {
  deliveries: number[]
}

export class AdminApi {
  constructor(readonly core: EmulatorCore) {}

  createToken(request: TokenRequest): CreatedToken {
    const world = this.core.world
    const kind = request.kind
    if (!['api-token', 'access-token', 'oauth-consumer', 'pat', 'password'].includes(kind)) throw new AdminError(`unknown kind ${String(kind)}`)
    const user = kind === 'access-token' ? undefined : resolveUser(world.users(), request.user)
    if (kind !== 'access-token' && !user) throw new AdminError(`unknown user ${request.user ?? '(world has no users)'}`)
    const flavor = this.core.state.flavor
    const login = kind === 'api-token' ? request.email ?? user?.email : kind === 'pat' || kind === 'password' ? request.username ?? user?.name : undefined
    let expiresAt: number | null = null
    if (request.expiresInSec !== undefined) expiresAt = this.core.state.now() + request.expiresInSec * 1000
    else if (typeof request.expiresAt === 'number') expiresAt = request.expiresAt
    else if (typeof request.expiresAt === 'string') expiresAt = Date.parse(request.expiresAt)
    const boundTo = kind === 'access-token' ? request.boundTo ?? world.containers()[0]?.key ?? null : request.boundTo ?? null
    const credential = this.core.state.credentials.create({
      kind,
      user: user?.uuid ?? null,
      login: login ?? null,
      scopes: request.scopes ?? defaultScopes(kind, flavor),
      boundTo,
      expiresAt,
      callbackUrl: request.callbackUrl ?? null,
      deny: request.deny,
      name: request.name,
      secret: request.secret,
    })
    return describe(credential)
  }

  revokeToken(id: string): boolean {
    return this.core.state.credentials.revoke(id)
  }

  tokens(): CreatedToken[] {
    return this.core.state.credentials.list().map(describe)
  }

  /** Apply a mutation and deliver its webhooks; with `wait`, resolve after every delivery settled. */
  async mutate(mutation: Mutation, options: {wait?: boolean} = {}): Promise<MutationOutcome> {
    // Branch heads before the change: push payloads report what moved from where.
    if ('repo' in mutation && this.core.world.repo(mutation.repo)) {
      this.core.state.scratch.set(`headsBefore:${mutation.repo}`, new Map(this.core.world.detail(mutation.repo).branches.map((b) => [b.name, b.head])))
      // A force-push lists only the commits it made: everything that existed before is old.
      if (mutation.type === 'push' && mutation.drop && this.core.state.flavor === 'cloud') this.core.state.scratch.set(`commitsBefore:${mutation.repo}`, new Set(this.core.world.detail(mutation.repo).commits.map((c) => c.hash)))
    }
    const result = this.core.world.mutate(mutation)
    const deliveries = this.core.emit(result)
    if (options.wait) await this.core.webhooks.idle()
    return {...result, deliveries}
  }

  truth<E extends EntityName>(entity: E, connection = 'default'): Array<EntityMap[E]> {
    return [...this.core.world.truth(this.core.state.flavor, entity, connection)]
  }

  minimum(options: {commitFiles?: boolean; reviews?: boolean; prs?: boolean} = {}): number {
    return this.core.world.minimumRequests(this.core.state.flavor, options)
  }

  stats(): StatsSnapshot {
    return this.core.stats.snapshot(this.core.faults.injected)
  }

  resetStats(): void {
    this.core.stats.reset()
    this.core.faults.resetCounts()
  }

  setFaults(plan: FaultPlan | null): void {
    this.core.faults.set(plan)
  }

  /** null disables limiting; undefined restores the flavour default. Clears the counted windows. */
  setRateLimit(config: RateLimitConfig | null | undefined): void {
    this.core.state.rateLimit = config
    this.core.state.windows.reset()
  }

  setLatency(ms: number): void {
    this.core.latencyMs = ms
  }

  setDown(down: boolean): void {
    this.core.down = down
  }

  advanceClock(ms: number): number {
    this.core.state.clockOffsetMs += ms
    return this.core.state.now()
  }

  setOAuth(options: {accessTokenTtlSec?: number; refreshGraceMs?: number}): void {
    if (options.accessTokenTtlSec !== undefined) this.core.state.accessTokenTtlSec = options.accessTokenTtlSec
    if (options.refreshGraceMs !== undefined) this.core.state.credentials.refreshGraceMs = options.refreshGraceMs
  }

  hooks(): Hook[] {
    return this.core.state.hooks.list()
  }

  deliveries(): Delivery[] {
    return this.core.webhooks.deliveries
  }

  async idle(): Promise<void> {
    await this.core.webhooks.idle()
  }
}

/** A bad admin request (answered 400 over HTTP). */
export class AdminError extends Error {}

export function resolveUser(users: WUser[], ref: string | undefined): WUser | undefined {
  if (ref === undefined) return users[0]
  const r = ref.toLowerCase()
  return users.find((u) => [u.uuid, u.accountId, u.slug, u.name, u.email].some((v) => v.toLowerCase() === r))
}

function defaultScopes(kind: CredentialKind, flavor: string): string[] {
  if (flavor === 'datacenter') return kind === 'pat' || kind === 'access-token' ? ['REPO_READ'] : []
  if (kind === 'api-token') return ['read:user:bitbucket', 'read:workspace:bitbucket', 'read:project:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket', 'read:webhook:bitbucket', 'write:webhook:bitbucket', 'delete:webhook:bitbucket']
  if (kind === 'access-token') return ['repository', 'pullrequest', 'webhook', 'project']
  return ['account', 'email', 'repository', 'pullrequest', 'project', 'webhook']
}

function describe(c: Credential): CreatedToken {
  let authorization: string | null = null
  if (c.kind === 'api-token' || c.kind === 'password') authorization = `Basic ${Buffer.from(`${c.login ?? ''}:${c.secret}`).toString('base64')}`
  else if (c.kind === 'access-token' || c.kind === 'pat') authorization = `Bearer ${c.secret}`
  return {
    id: c.id,
    kind: c.kind,
    secret: c.secret,
    key: c.key,
    user: c.user,
    login: c.login,
    scopes: c.scopes,
    boundTo: c.boundTo,
    expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt).toISOString(),
    authorization,
  }
}
