/**
 * The request pipeline: admin routes first, then (for flavour routes) down/faults/latency, route match,
 * authenticate → scope check → rate limit → handler, with per-route accounting.
 */
import {STATUS_CODES} from 'node:http'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {TLSSocket} from 'node:tls'

import type {AdminApi} from './admin.js'
import {handleAdmin} from './admin-http.js'
import type {EmulatorCore} from './core.js'
import type {Fault} from './faults.js'
import {gitTarget, serveGit} from './git-http.js'
import {readBody, send} from './respond.js'
import type {EmuRequest, EmuResponse, Principal, Route} from './types.js'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function requestOrigin(req: IncomingMessage): string {
  const tls = (req.socket as TLSSocket).encrypted === true
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`
  return `${tls ? 'https' : 'http'}://${host}`
}

export function createHandler(core: EmulatorCore, admin: AdminApi) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await handle(core, admin, req, res)
    } catch (err) {
      if (!res.headersSent) send(res, errorResponse(core, 500, err instanceof Error ? err.message : String(err)))
      else res.destroy()
    }
  }
}

async function handle(core: EmulatorCore, admin: AdminApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid')
  const emuReq: EmuRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: await readBody(req),
    origin: requestOrigin(req),
  }
  if (emuReq.path === '/_admin' || emuReq.path.startsWith('/_admin/')) {
    send(res, await handleAdmin(admin, emuReq))
    return
  }
  if (core.down) {
    req.socket.destroy()
    return
  }
  const fault = core.faults.next(emuReq.path)
  const delay = core.latencyMs + (fault?.kind === 'latency' ? fault.latencyMs : 0)
  if (delay > 0) await sleep(delay)
  if (fault?.kind === 'reset') {
    countRoute(core, emuReq)
    req.socket.destroy()
    return
  }
  if (fault?.kind === 'status5xx') {
    countRoute(core, emuReq)
    finish(core, res, errorResponse(core, fault.status, STATUS_CODES[fault.status] ?? 'Server Error'), null, emuReq)
    return
  }
  const git = gitTarget(core, emuReq.path)
  if (git) {
    await serveGit(core, core.git, git, emuReq, res)
    return
  }
  const response = await dispatch(core, emuReq)
  finish(core, res, response, fault, emuReq)
}

function countRoute(core: EmulatorCore, req: EmuRequest): void {
  const match = core.router.match(req.method, req.path)
  core.stats.count(match && 'route' in match ? routeKey(match.route) : `${req.method} (unmatched)`)
}

export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`
}

function finish(core: EmulatorCore, res: ServerResponse, response: EmuResponse, fault: Fault | null, req: EmuRequest): void {
  core.stats.status(response.status)
  send(res, response, {truncate: fault?.kind === 'truncate', head: req.method === 'HEAD'})
}

async function dispatch(core: EmulatorCore, req: EmuRequest): Promise<EmuResponse> {
  const match = core.router.match(req.method, req.path)
  if (!match) {
    core.stats.count(`${req.method} (unmatched)`)
    return errorResponse(core, 404, `Resource not found`)
  }
  if ('methodNotAllowed' in match) {
    core.stats.count(`${req.method} (unmatched)`)
    return errorResponse(core, 405, 'Method not allowed')
  }
  const {route, params} = match
  core.stats.count(routeKey(route))
  const {flavor, state, world} = core
  let principal: Principal | null = null
  let extraHeaders: Record<string, string> = {}
  if (!route.public) {
    const auth = flavor.authenticate(req, world, state)
    if ('status' in auth) return withHeaders(auth, flavor.responseHeaders?.(route, null))
    principal = auth
    const missing = flavor.checkScopes ? flavor.checkScopes(route, principal) : defaultScopeCheck(route, principal)
    if (missing) return withHeaders(flavor.forbidden(missing, principal.scopes), flavor.responseHeaders?.(route, principal))
    const limited = flavor.rateLimit(principal, state.now(), state)
    if (!limited.ok) return withHeaders(limited.response, flavor.responseHeaders?.(route, principal))
    extraHeaders = limited.headers ?? {}
  }
  const response = await route.handler(req, {
    world,
    principal: principal ?? {budgetKey: 'anonymous', user: null, kind: 'basic', scopes: []},
    params,
    state,
    emit: (result) => {
      core.emit(result)
    },
  })
  return withHeaders(response, {...flavor.responseHeaders?.(route, principal), ...extraHeaders})
}

function defaultScopeCheck(route: Route, principal: Principal): string[] | null {
  const required = route.scopes ?? []
  if (!required.length || required.some((s) => principal.scopes.includes(s))) return null
  return required
}

function withHeaders(response: EmuResponse, headers: Record<string, string> | undefined): EmuResponse {
  if (!headers) return response
  return {...response, headers: {...headers, ...response.headers}}
}

function errorResponse(core: EmulatorCore, status: number, message: string): EmuResponse {
  return core.flavor.errorResponse?.(status, message) ?? {status, body: {error: {message}}}
}
