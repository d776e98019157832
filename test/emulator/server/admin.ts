/**
 * The admin API: what a test (or the demo) uses to set the stage — create credentials, mutate the world,
 * read the truth, inject faults, change limits, inspect requests and webhook deliveries. Served over HTTP
 * under /_admin without authentication, and callable in-process with the same semantics.
 */
import type {Credential, CredentialKind} from './credentials.js'
import type {EmulatorCore} from './core.js'
import type {FaultPlan} from './faults.js'
import type {Hook} from './hooks.js'
import type {StatsSnapshot} from './stats.js'
import type {EmuRequest, EmuResponse, RateLimitConfig} from './types.js'
import type {Delivery} from './webhooks.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import type {EntityMap, EntityName} from '../../../src/core/model.js'
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
  constructor(private readonly core: EmulatorCore) {}

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
    const result = this.core.world.mutate(mutation)
    const deliveries = this.core.emit(result)
    if (options.wait) await this.core.webhooks.idle()
    return {...result, deliveries}
  }

  truth<E extends EntityName>(entity: E, connection = 'default'): Array<EntityMap[E]> {
    return [...this.core.world.truth(this.core.state.flavor, entity, connection)]
  }

  minimum(options: {commitFiles?: boolean; reviews?: boolean} = {}): number {
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

  /** HTTP face of the same operations. */
  async handle(req: EmuRequest): Promise<EmuResponse> {
    try {
      return await this.route(req)
    } catch (err) {
      if (err instanceof AdminError) return {status: 400, body: {error: err.message}}
      throw err
    }
  }

  private async route(req: EmuRequest): Promise<EmuResponse> {
    const path = req.path.replace(/\/+$/, '')
    const key = `${req.method} ${path}`
    const body = () => parseJson(req.rawBody)
    const revoke = /^POST \/_admin\/tokens\/([^/]+)\/revoke$/.exec(key)
    if (revoke) return this.revokeToken(decodeURIComponent(revoke[1] as string)) ? ok({revoked: true}) : {status: 404, body: {error: 'no such token'}}
    switch (key) {
      case 'GET /_admin':
        return ok({flavor: this.core.state.flavor, seed: this.core.world.seed, dataset: this.core.world.dataset, endpoints: ADMIN_ENDPOINTS})
      case 'POST /_admin/tokens':
        return {status: 201, body: this.createToken(body() as TokenRequest)}
      case 'GET /_admin/tokens':
        return ok(this.tokens())
      case 'POST /_admin/mutations': {
        const wait = ['1', 'true'].includes(req.query.get('wait') ?? '')
        const mutation = body() as Mutation
        let outcome: MutationOutcome
        try {
          outcome = await this.mutate(mutation, {wait})
        } catch (err) {
          // An impossible mutation (unknown repo, merged PR…) is the caller's mistake, not a server fault.
          throw new AdminError(err instanceof Error ? err.message : String(err))
        }
        return ok(outcome)
      }
      case 'GET /_admin/truth': {
        const entity = req.query.get('entity') as EntityName | null
        if (!entity || !ENTITY_NAMES.includes(entity)) throw new AdminError(`entity must be one of ${ENTITY_NAMES.join(', ')}`)
        const lines = this.truth(entity, req.query.get('connection') ?? 'default').map((e) => JSON.stringify(e) + '\n')
        return {status: 200, headers: {'Content-Type': 'application/x-ndjson'}, body: lines.join('')}
      }
      case 'GET /_admin/minimum':
        return ok({requests: this.minimum({commitFiles: flag(req, 'commitFiles'), reviews: flag(req, 'reviews')})})
      case 'GET /_admin/stats':
        return ok(this.stats())
      case 'POST /_admin/stats/reset':
        this.resetStats()
        return ok(this.stats())
      case 'GET /_admin/faults':
        return ok(this.core.faults.current())
      case 'POST /_admin/faults':
        this.setFaults((body() as FaultPlan | null) ?? null)
        return ok(this.core.faults.current())
      case 'POST /_admin/ratelimit': {
        const b = body() as (RateLimitConfig & {enabled?: boolean; default?: boolean}) | null
        this.setRateLimit(b?.default ? undefined : !b || b.enabled === false ? null : {requestsPerWindow: Number(b.requestsPerWindow), windowMs: Number(b.windowMs ?? 3_600_000)})
        return ok({rateLimit: this.core.state.rateLimit ?? null})
      }
      case 'POST /_admin/latency':
        this.setLatency(Number((body() as {latencyMs?: number} | null)?.latencyMs ?? 0))
        return ok({latencyMs: this.core.latencyMs})
      case 'POST /_admin/down':
        this.setDown((body() as {down?: boolean} | null)?.down ?? true)
        return ok({down: this.core.down})
      case 'POST /_admin/clock':
        return ok({now: new Date(this.advanceClock(Number((body() as {advanceMs?: number} | null)?.advanceMs ?? 0))).toISOString()})
      case 'POST /_admin/oauth':
        this.setOAuth((body() as {accessTokenTtlSec?: number; refreshGraceMs?: number} | null) ?? {})
        return ok({accessTokenTtlSec: this.core.state.accessTokenTtlSec, refreshGraceMs: this.core.state.credentials.refreshGraceMs})
      case 'GET /_admin/hooks':
        return ok(this.hooks())
      case 'GET /_admin/deliveries':
        if (flag(req, 'wait')) await this.idle()
        return ok(this.deliveries())
      default:
        return {status: 404, body: {error: `unknown admin endpoint ${key}`, endpoints: ADMIN_ENDPOINTS}}
    }
  }
}

const ADMIN_ENDPOINTS = [
  'POST /_admin/tokens', 'GET /_admin/tokens', 'POST /_admin/tokens/:id/revoke', 'POST /_admin/mutations[?wait=1]',
  'GET /_admin/truth?entity=&connection=', 'GET /_admin/minimum?commitFiles=1&reviews=1', 'GET /_admin/stats',
  'POST /_admin/stats/reset', 'GET|POST /_admin/faults', 'POST /_admin/ratelimit', 'POST /_admin/latency',
  'POST /_admin/down', 'POST /_admin/clock', 'POST /_admin/oauth', 'GET /_admin/hooks', 'GET /_admin/deliveries[?wait=1]',
]

class AdminError extends Error {}

function ok(body: unknown): EmuResponse {
  return {status: 200, body}
}

function flag(req: EmuRequest, name: string): boolean {
  return ['1', 'true'].includes(req.query.get(name) ?? '')
}

function parseJson(raw: Buffer): unknown {
  if (!raw.length) return null
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new AdminError('body is not JSON')
  }
}

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
