/** The admin API over HTTP: /_admin/* maps onto AdminApi's in-process operations. */
import {AdminError} from './admin.js'
import type {AdminApi, MutationOutcome, TokenRequest} from './admin.js'
import type {FaultPlan} from './faults.js'
import type {EmuRequest, EmuResponse, RateLimitConfig} from './types.js'
import {ENTITY_NAMES} from '../../src/core/model.js'
import type {EntityName} from '../../src/core/model.js'
import type {Mutation} from '../world/types.js'

export async function handleAdmin(admin: AdminApi, req: EmuRequest): Promise<EmuResponse> {
  try {
    return await route(admin, req)
  } catch (err) {
    if (err instanceof AdminError) return {status: 400, body: {error: err.message}}
    throw err
  }
}

async function route(admin: AdminApi, req: EmuRequest): Promise<EmuResponse> {
  const core = admin.core
  const path = req.path.replace(/\/+$/, '')
  const key = `${req.method} ${path}`
  const body = () => parseJson(req.rawBody)
  const revoke = /^POST \/_admin\/tokens\/([^/]+)\/revoke$/.exec(key)
  if (revoke) return admin.revokeToken(decodeURIComponent(revoke[1] as string)) ? ok({revoked: true}) : {status: 404, body: {error: 'no such token'}}
  switch (key) {
    case 'GET /_admin':
      return ok({flavor: core.state.flavor, seed: core.world.seed, dataset: core.world.dataset, endpoints: ADMIN_ENDPOINTS})
    case 'POST /_admin/tokens':
      return {status: 201, body: admin.createToken(body() as TokenRequest)}
    case 'GET /_admin/tokens':
      return ok(admin.tokens())
    case 'POST /_admin/mutations': {
      const wait = ['1', 'true'].includes(req.query.get('wait') ?? '')
      const mutation = body() as Mutation
      let outcome: MutationOutcome
      try {
        outcome = await admin.mutate(mutation, {wait})
      } catch (err) {
        // An impossible mutation (unknown repo, merged PR…) is the caller's mistake, not a server fault.
        throw new AdminError(err instanceof Error ? err.message : String(err))
      }
      return ok(outcome)
    }
    case 'GET /_admin/truth': {
      const entity = req.query.get('entity') as EntityName | null
      if (!entity || !ENTITY_NAMES.includes(entity)) throw new AdminError(`entity must be one of ${ENTITY_NAMES.join(', ')}`)
      const lines = admin.truth(entity, req.query.get('connection') ?? 'default').map((e) => JSON.stringify(e) + '\n')
      return {status: 200, headers: {'Content-Type': 'application/x-ndjson'}, body: lines.join('')}
    }
    case 'GET /_admin/minimum':
      return ok({requests: admin.minimum({commitFiles: flag(req, 'commitFiles'), reviews: flag(req, 'reviews')})})
    case 'GET /_admin/stats':
      return ok(admin.stats())
    case 'POST /_admin/stats/reset':
      admin.resetStats()
      return ok(admin.stats())
    case 'GET /_admin/faults':
      return ok(core.faults.current())
    case 'POST /_admin/faults':
      admin.setFaults((body() as FaultPlan | null) ?? null)
      return ok(core.faults.current())
    case 'POST /_admin/ratelimit': {
      const b = body() as (RateLimitConfig & {enabled?: boolean; default?: boolean}) | null
      admin.setRateLimit(b?.default ? undefined : !b || b.enabled === false ? null : {requestsPerWindow: Number(b.requestsPerWindow), windowMs: Number(b.windowMs ?? 3_600_000)})
      return ok({rateLimit: core.state.rateLimit ?? null})
    }
    case 'POST /_admin/latency':
      admin.setLatency(Number((body() as {latencyMs?: number} | null)?.latencyMs ?? 0))
      return ok({latencyMs: core.latencyMs})
    case 'POST /_admin/down':
      admin.setDown((body() as {down?: boolean} | null)?.down ?? true)
      return ok({down: core.down})
    case 'POST /_admin/clock':
      return ok({now: new Date(admin.advanceClock(Number((body() as {advanceMs?: number} | null)?.advanceMs ?? 0))).toISOString()})
    case 'POST /_admin/oauth':
      admin.setOAuth((body() as {accessTokenTtlSec?: number; refreshGraceMs?: number} | null) ?? {})
      return ok({accessTokenTtlSec: core.state.accessTokenTtlSec, refreshGraceMs: core.state.credentials.refreshGraceMs})
    case 'GET /_admin/hooks':
      return ok(admin.hooks())
    case 'GET /_admin/deliveries':
      if (flag(req, 'wait')) await admin.idle()
      return ok(admin.deliveries())
    default:
      return {status: 404, body: {error: `unknown admin endpoint ${key}`, endpoints: ADMIN_ENDPOINTS}}
  }
}

const ADMIN_ENDPOINTS = [
  'POST /_admin/tokens', 'GET /_admin/tokens', 'POST /_admin/tokens/:id/revoke', 'POST /_admin/mutations[?wait=1]',
  'GET /_admin/truth?entity=&connection=', 'GET /_admin/minimum?commitFiles=1&reviews=1', 'GET /_admin/stats',
  'POST /_admin/stats/reset', 'GET|POST /_admin/faults', 'POST /_admin/ratelimit', 'POST /_admin/latency',
  'POST /_admin/down', 'POST /_admin/clock', 'POST /_admin/oauth', 'GET /_admin/hooks', 'GET /_admin/deliveries[?wait=1]',
]

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

