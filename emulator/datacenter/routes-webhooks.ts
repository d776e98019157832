/**
 * Repository and project webhooks. The secret lives in `configuration.secret` and is write-only: it is
 * stored on the hook (delivery signs with it) but never rendered back. Repository hooks need REPO_ADMIN,
 * project hooks PROJECT_ADMIN.
 */
import {DELIVERY_LOG, type Hook} from '../server/hooks.js'
import type {Delivery} from '../server/webhooks.js'
import type {EmuRequest, EmuResponse, Route, RouteContext} from '../server/types.js'
import {NO_SUCH_WEBHOOK, badRequest, notFound} from './errors.js'
import {isResponse, projectParam, repoParam} from './lookup.js'
import {pagedResponse} from './paging.js'
import {REPO, api, jsonBody, ok} from './route-kit.js'
import {testWebhook} from './webhook-test.js'

/**
 * Event keys DC accepts on a webhook. The documented "changes requested" is `pr:reviewer:needs_work`:
 * a live server refuses `pr:reviewer:changes_requested` and `pr:to_ref_updated` ("the event … is unknown").
 */
export const DC_WEBHOOK_EVENTS = [
  'repo:refs_changed', 'repo:modified', 'repo:forked', 'repo:comment:added', 'repo:comment:edited', 'repo:comment:deleted',
  'repo:secret_detected', 'mirror:repo_synchronized', 'pr:opened', 'pr:from_ref_updated', 'pr:modified',
  'pr:merged', 'pr:declined', 'pr:deleted', 'pr:reviewer:approved', 'pr:reviewer:unapproved', 'pr:reviewer:needs_work',
  'pr:reviewer:updated', 'pr:comment:added', 'pr:comment:edited', 'pr:comment:deleted', 'project:modified',
]

type Scope = Hook['scope']

function scopeOf(ctx: RouteContext, kind: 'repository' | 'project'): Scope | EmuResponse {
  if (kind === 'repository') {
    const repo = repoParam(ctx)
    return isResponse(repo) ? repo : {type: 'repository', key: `${repo.container}/${repo.slug}`}
  }
  const project = projectParam(ctx)
  return isResponse(project) ? project : {type: 'container', key: project.key}
}

export function renderHook(h: Hook): Record<string, unknown> {
  const {secret: _secret, ...configuration} = (h.extra.configuration as Record<string, unknown> | undefined) ?? {}
  const out: Record<string, unknown> = {
    id: Number(h.id),
    name: h.description,
    createdDate: h.extra.createdDate,
    updatedDate: h.extra.updatedDate,
    events: h.events,
    configuration,
    url: h.url,
    active: h.active,
    scopeType: h.scope.type === 'repository' ? 'repository' : 'project',
    sslVerificationRequired: h.extra.sslVerificationRequired !== false,
  }
  const credentials = h.extra.credentials as {username?: string} | undefined
  if (credentials?.username) out.credentials = {username: credentials.username}
  return out
}

interface HookInput {
  name: string
  url: string
  events: string[]
  active: boolean
  configuration: Record<string, unknown>
  credentials: unknown
  sslVerificationRequired: boolean
}

function parseHook(req: EmuRequest, previous?: Hook): HookInput | EmuResponse {
  const body = jsonBody(req.rawBody)
  if (!body) return badRequest('The request body must be a JSON webhook.')
  const name = body.name ?? previous?.description
  const url = body.url ?? previous?.url
  const events = body.events ?? previous?.events
  if (typeof name !== 'string' || name.trim() === '') return badRequest('A webhook name is required.')
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/.test(url)) return badRequest('The webhook URL must be a valid http(s) URL.')
  if (!Array.isArray(events) || events.length === 0) return badRequest('A webhook must subscribe to at least one event.')
  const unknown = events.filter((e) => typeof e !== 'string' || !DC_WEBHOOK_EVENTS.includes(e))
  if (unknown.length > 0) return badRequest(`Unknown webhook event(s): ${unknown.join(', ')}.`)
  const previousConfig = (previous?.extra.configuration as Record<string, unknown> | undefined) ?? {}
  let configuration: Record<string, unknown>
  if (body.configuration === undefined) configuration = previousConfig
  else if (typeof body.configuration === 'object' && body.configuration !== null) {
    configuration = {...(body.configuration as Record<string, unknown>)}
    // Clients cannot read the secret back, so an update that leaves it out keeps it; "" or null clears it.
    if (!('secret' in configuration) && previousConfig.secret !== undefined) configuration.secret = previousConfig.secret
    if (configuration.secret === '' || configuration.secret === null) delete configuration.secret
  } else return badRequest('configuration must be an object.')
  return {
    name,
    url,
    events: [...new Set(events as string[])],
    active: typeof body.active === 'boolean' ? body.active : previous?.active ?? true,
    configuration,
    credentials: body.credentials ?? previous?.extra.credentials,
    sslVerificationRequired: typeof body.sslVerificationRequired === 'boolean' ? body.sslVerificationRequired : (previous?.extra.sslVerificationRequired as boolean | undefined) ?? true,
  }
}

function nextId(ctx: RouteContext): string {
  const next = ((ctx.state.scratch.get('dc.hookSeq') as number | undefined) ?? 0) + 1
  ctx.state.scratch.set('dc.hookSeq', next)
  return String(next)
}

function findHook(ctx: RouteContext, scope: Scope): Hook | EmuResponse {
  const id = ctx.params.webhookId ?? ''
  const hook = ctx.state.hooks.get(id)
  if (!hook || hook.scope.type !== scope.type || hook.scope.key !== scope.key) return notFound(`Webhook ${id} does not exist.`, NO_SUCH_WEBHOOK)
  return hook
}

function hookRoutes(base: string, kind: 'repository' | 'project', permission: string): Route[] {
  const scopes = [permission]
  return [
    ...api('GET', `${base}/webhooks`, {
      scopes,
      handler: (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const event = req.query.get('event')
        const hooks = ctx.state.hooks.list(scope).filter((h) => !event || h.events.includes(event)).sort((a, b) => Number(a.id) - Number(b.id))
        return pagedResponse(req.query, hooks, renderHook)
      },
    }),
    ...api('POST', `${base}/webhooks`, {
      scopes,
      handler: (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const input = parseHook(req)
        if (isResponse(input)) return input
        const now = ctx.state.now()
        const secret = typeof input.configuration.secret === 'string' ? input.configuration.secret : null
        const hook = ctx.state.hooks.add({
          id: nextId(ctx), scope, url: input.url, description: input.name, events: input.events, active: input.active, secret,
          createdAt: new Date(now).toISOString(),
          extra: {configuration: input.configuration, credentials: input.credentials, sslVerificationRequired: input.sslVerificationRequired, createdDate: now, updatedDate: now},
        })
        // DC answers a create with 200 (not 201), as its spec says.
        return ok(renderHook(hook))
      },
    }),
    ...api('POST', `${base}/webhooks/test`, {
      scopes,
      handler: async (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        return testWebhook(req, ctx)
      },
    }),
    ...(kind === 'repository' ? api('GET', `${base}/webhooks/search`, {
      scopes,
      // The repository's hooks plus its project's (which fire for it too), optionally by scope type and event.
      handler: (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const scopeType = req.query.get('scopeType')
        if (scopeType !== null && scopeType !== 'repository' && scopeType !== 'project') return badRequest(`Unknown scopeType: ${scopeType}.`)
        const event = req.query.get('event')
        const project = {type: 'container' as const, key: scope.key.split('/')[0] ?? ''}
        const hooks = [
          ...(scopeType !== 'project' ? ctx.state.hooks.list(scope) : []),
          ...(scopeType !== 'repository' ? ctx.state.hooks.list(project) : []),
        ].filter((h) => !event || h.events.includes(event)).sort((a, b) => Number(a.id) - Number(b.id))
        return pagedResponse(req.query, hooks, renderHook)
      },
    }) : []),
    ...api('GET', `${base}/webhooks/:webhookId/latest`, {
      scopes,
      handler: (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const hook = findHook(ctx, scope)
        if (isResponse(hook)) return hook
        const outcome = req.query.get('outcome')
        if (outcome !== null && !['SUCCESS', 'FAILURE', 'ERROR'].includes(outcome)) return badRequest(`Unknown outcome: ${outcome}.`)
        const event = req.query.get('event')
        const log = (ctx.state.scratch.get(DELIVERY_LOG) as Delivery[] | undefined) ?? []
        const latest = log.filter((d) => d.hookId === hook.id && d.outcome !== 'pending' && (!event || d.eventKey === event)
          && (!outcome || outcomeOf(d) === outcome)).at(-1)
        return latest ? ok(renderInvocation(latest, hook)) : {status: 204}
      },
    }),
    ...api('GET', `${base}/webhooks/:webhookId`, {
      scopes,
      handler: (_req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const hook = findHook(ctx, scope)
        return isResponse(hook) ? hook : ok(renderHook(hook))
      },
    }),
    ...api('PUT', `${base}/webhooks/:webhookId`, {
      scopes,
      handler: (req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const hook = findHook(ctx, scope)
        if (isResponse(hook)) return hook
        const input = parseHook(req, hook)
        if (isResponse(input)) return input
        hook.url = input.url
        hook.description = input.name
        hook.events = input.events
        hook.active = input.active
        hook.secret = typeof input.configuration.secret === 'string' ? input.configuration.secret : null
        hook.extra = {...hook.extra, configuration: input.configuration, credentials: input.credentials, sslVerificationRequired: input.sslVerificationRequired, updatedDate: ctx.state.now()}
        return ok(renderHook(hook))
      },
    }),
    ...api('DELETE', `${base}/webhooks/:webhookId`, {
      scopes,
      handler: (_req, ctx) => {
        const scope = scopeOf(ctx, kind)
        if (isResponse(scope)) return scope
        const hook = findHook(ctx, scope)
        if (isResponse(hook)) return hook
        ctx.state.hooks.remove(hook.id)
        return {status: 204}
      },
    }),
  ]
}

/** SUCCESS: a 2xx answer; FAILURE: another answer; ERROR: no answer (refused, timed out). */
function outcomeOf(d: Delivery): 'SUCCESS' | 'FAILURE' | 'ERROR' {
  if (d.outcome === 'delivered') return 'SUCCESS'
  return d.attempts.at(-1)?.status == null ? 'ERROR' : 'FAILURE'
}

/**
 * RestDetailedInvocation. The spec types `start`/`finish` as int32, which an epoch-millisecond time cannot
 * be, so they are left out; the time is in `result` (an open object in the spec).
 */
function renderInvocation(d: Delivery, hook: Hook): Record<string, unknown> {
  const last = d.attempts.at(-1)
  const outcome = outcomeOf(d)
  return {
    id: d.id,
    event: d.eventKey,
    eventScope: hook.scope.type === 'repository' ? {type: 'repository', id: hook.scope.key} : {type: 'project', id: hook.scope.key},
    duration: last?.durationMs ?? 0,
    request: {url: d.url, method: 'POST', headers: Object.fromEntries(Object.entries(d.headers).filter(([k]) => k !== 'X-Hub-Signature'))},
    result: {
      outcome,
      at: last?.at ?? null,
      description: outcome === 'ERROR' ? (last?.error ?? 'no response') : `HTTP ${last?.status ?? 0}`,
      ...(last?.status == null ? {} : {statusCode: last.status}),
    },
  }
}

export const webhookRoutes: Route[] = [
  ...hookRoutes(REPO, 'repository', 'REPO_ADMIN'),
  ...hookRoutes('/projects/:projectKey', 'project', 'PROJECT_ADMIN'),
]
