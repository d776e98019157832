/**
 * Start a Bitbucket emulator (Cloud 2.0 or Data Center) on 127.0.0.1. Tests, the `demo` command and
 * `npm run emulator` all come through here.
 */
import {createServer as createHttpServer} from 'node:http'
import type {Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'

import {cloudFlavor} from './cloud/index.js'
import {datacenterFlavor} from './datacenter/index.js'
import {AdminApi} from './server/admin.js'
import type {CreatedToken, TokenRequest} from './server/admin.js'
import {EmulatorCore} from './server/core.js'
import type {FaultPlan} from './server/faults.js'
import {createHandler} from './server/pipeline.js'
import type {StatsSnapshot} from './server/stats.js'
import type {FlavorModule, RateLimitConfig, ServerState} from './server/types.js'
import type {DeliveryOptions} from './server/webhooks.js'
import {createWorld} from './world/index.js'
import type {Flavor, World} from './world/types.js'

export type {CreatedToken, TokenRequest} from './server/admin.js'
export type {FaultPlan} from './server/faults.js'
export {signature} from './server/webhooks.js'

export interface EmulatorOptions {
  flavor: Flavor
  seed?: number
  /** Dataset name understood by the world generator ("tiny", "small", "medium", "large"). */
  dataset?: string
  /** A ready world (tests with hand-made fixtures); otherwise one is generated from seed + dataset. */
  world?: World
  /** Default 0: any free port. */
  port?: number
  host?: string
  latencyMs?: number
  faults?: FaultPlan
  /** Explicit limit, null to disable, undefined for the flavour's default (Cloud: 1,000 per rolling hour). */
  rateLimit?: RateLimitConfig | null
  /** OAuth access-token lifetime (Cloud default 7200 s). */
  accessTokenTtlSec?: number
  tls?: {key: string | Buffer; cert: string | Buffer}
  webhooks?: DeliveryOptions
  /** Epoch-ms clock for credential expiry and rate windows. */
  now?: () => number
}

/** In-process admin helpers: the HTTP admin API's operations plus conveniences for the demo. */
export interface EmulatorAdmin extends AdminApi {
  /** A full-read credential for the first user: Cloud API token (e-mail + token), DC personal access token. */
  demoCredential(): Promise<{email: string; username: string; token: string; authorization: string}>
  /** A new pull request, an approval and a push on the first repository; returns a one-line summary. */
  demoChanges(): Promise<string>
}

export interface RunningEmulator {
  flavor: Flavor
  /** Origin, e.g. "http://127.0.0.1:40123" (also the Cloud OAuth site). */
  url: string
  /** Cloud: `${url}/2.0`; Data Center: `${url}`. */
  apiBase: string
  world: World
  state: ServerState
  admin: EmulatorAdmin
  stats(): StatsSnapshot
  close(): Promise<void>
}

const FLAVORS: Record<Flavor, FlavorModule> = {cloud: cloudFlavor, datacenter: datacenterFlavor}

async function loadWorld(options: EmulatorOptions): Promise<World> {
  if (options.world) return options.world
  return createWorld({seed: options.seed ?? 1, dataset: options.dataset ?? 'small', flavor: options.flavor})
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const flavor = FLAVORS[options.flavor]
  if (!flavor) throw new Error(`unknown flavor ${String(options.flavor)}`)
  const world = await loadWorld(options)
  const core = new EmulatorCore(world, flavor, options)
  if (options.faults) core.faults.set(options.faults)
  const admin = createAdmin(core)
  const handler = createHandler(core, admin)
  const server: Server = options.tls ? createHttpsServer({key: options.tls.key, cert: options.tls.cert}, handler) : createHttpServer(handler)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const {port} = server.address() as AddressInfo
  const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`
  core.state.origin = url
  let closed: Promise<void> | null = null
  return {
    flavor: options.flavor,
    url,
    apiBase: options.flavor === 'cloud' ? `${url}/2.0` : url,
    world,
    state: core.state,
    admin,
    stats: () => admin.stats(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        core.webhooks.close()
        core.git.close()
        server.close(() => resolve())
        // Keep-alive sockets would hold close() open; the emulator has no request worth finishing.
        server.closeAllConnections()
      }).then(() => core.webhooks.idle())
      return closed
    },
  }
}

function createAdmin(core: EmulatorCore): EmulatorAdmin {
  const admin = new AdminApi(core) as EmulatorAdmin
  admin.demoCredential = async () => {
    const user = core.world.users()[0]
    if (!user) throw new Error('the world has no users')
    const request: TokenRequest = core.state.flavor === 'cloud'
      ? {kind: 'api-token', user: user.uuid, name: 'demo'}
      : {kind: 'pat', user: user.uuid, name: 'demo', scopes: ['REPO_ADMIN', 'PROJECT_ADMIN']}
    const created: CreatedToken = admin.createToken(request)
    return {email: user.email, username: user.name, token: created.secret, authorization: created.authorization ?? ''}
  }
  admin.demoChanges = async () => {
    const repo = core.world.containers().flatMap((c) => core.world.repos(c.key)).find((r) => r.defaultBranch !== null)
    if (!repo) return 'no repository with commits to change'
    const key = `${repo.container}/${repo.slug}`
    const created = await admin.mutate({type: 'pr.create', repo: key, title: 'Demo: tidy up the README'})
    const id = Number(created.details.id ?? created.details.pullRequest)
    if (Number.isFinite(id)) await admin.mutate({type: 'pr.approve', repo: key, id})
    const pushed = await admin.mutate({type: 'push', repo: key, commits: 2})
    return `${key}: PR #${Number.isFinite(id) ? id : '?'} opened and approved, ${(pushed.details.commits as unknown[] | undefined)?.length ?? 2} commits pushed`
  }
  return admin
}
