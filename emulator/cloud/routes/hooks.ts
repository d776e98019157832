/**
 * Webhook subscriptions on repositories and workspaces, and the public event catalogue. The secret is
 * write-only (`secret_set` tells whether there is one); on PUT an omitted secret is kept and `null`/""
 * removes it (Cloud docs, webhook_subscription.secret).
 */
import {randomUUID} from 'node:crypto'

import type {Hook} from '../../server/hooks.js'
import type {EmuRequest, EmuResponse, RouteContext} from '../../server/types.js'
import type {WContainer, WRepo} from '../../world/types.js'
import {badRequest, cloudError, notFound} from '../errors.js'
import {isResponse, repoParam, route, workspaceParam} from '../lookup.js'
import {pageOf} from '../paging.js'
import {ownsWorkspace} from './user.js'
import {repositoryRef, workspace} from '../render.js'
import type {CloudRoute} from '../scopes.js'
import {cloudTime} from '../time.js'

export const CLOUD_EVENTS = [
  'issue:comment_created', 'issue:created', 'issue:updated', 'pipeline:span_created', 'project:updated',
  'pullrequest:approved', 'pullrequest:changes_request_created', 'pullrequest:changes_request_removed',
  'pullrequest:comment_created', 'pullrequest:comment_deleted', 'pullrequest:comment_reopened',
  'pullrequest:comment_resolved', 'pullrequest:comment_updated', 'pullrequest:created', 'pullrequest:fulfilled',
  'pullrequest:push', 'pullrequest:rejected', 'pullrequest:unapproved', 'pullrequest:updated',
  'repo:commit_comment_created', 'repo:commit_status_created', 'repo:commit_status_updated', 'repo:created',
  'repo:deleted', 'repo:fork', 'repo:imported', 'repo:push', 'repo:transfer', 'repo:updated',
]

type Subject = {type: 'repository'; repo: WRepo} | {type: 'workspace'; workspace: WContainer}

function scopeOf(subject: Subject): Hook['scope'] {
  return subject.type === 'repository'
    ? {type: 'repository', key: `${subject.repo.container}/${subject.repo.slug}`}
    : {type: 'container', key: subject.workspace.key}
}

function render(req: EmuRequest, subject: Subject, hook: Hook): Record<string, unknown> {
  const base = subject.type === 'repository'
    ? `${req.origin}/2.0/repositories/${subject.repo.container}/${subject.repo.slug}/hooks`
    : `${req.origin}/2.0/workspaces/${subject.workspace.key}/hooks`
  return {
    type: 'webhook_subscription',
    uuid: hook.id,
    url: hook.url,
    description: hook.description,
    subject_type: subject.type,
    subject: subject.type === 'repository' ? repositoryRef(req.origin, subject.repo) : workspace(req.origin, subject.workspace),
    active: hook.active,
    created_at: cloudTime(hook.createdAt),
    events: hook.events,
    secret_set: hook.secret !== null,
    skip_cert_verification: false,
    links: {self: {href: `${base}/${encodeURIComponent(hook.id)}`}},
  }
}

interface HookBody {
  url?: unknown
  description?: unknown
  active?: unknown
  events?: unknown
  secret?: unknown
}

function parseBody(req: EmuRequest): HookBody | EmuResponse {
  try {
    const parsed: unknown = JSON.parse(req.rawBody.toString('utf8') || '{}')
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return badRequest('Invalid JSON body')
    return parsed as HookBody
  } catch {
    return badRequest('Invalid JSON body')
  }
}

/** Validate and apply a body onto a hook (creation starts from an empty one). */
function applyBody(body: HookBody, hook: Hook, creating: boolean): EmuResponse | null {
  if (creating || body.url !== undefined) {
    let ok = typeof body.url === 'string'
    if (ok) {
      try {
        ok = ['http:', 'https:'].includes(new URL(body.url as string).protocol)
      } catch {
        ok = false
      }
    }
    if (!ok) return badRequest('url: Enter a valid URL.')
    hook.url = body.url as string
  }
  if (creating || body.events !== undefined) {
    if (!Array.isArray(body.events) || body.events.length === 0) return badRequest('events: At least one event is required.')
    const bad = body.events.find((e) => typeof e !== 'string' || !CLOUD_EVENTS.includes(e))
    if (bad !== undefined) return badRequest(`events: "${String(bad)}" is not a valid event.`)
    // webhook_subscription.events is uniqueItems: Cloud refuses a duplicate rather than folding it.
    if (new Set(body.events).size !== body.events.length) return badRequest('events: Duplicate events are not allowed.')
    hook.events = [...(body.events as string[])]
  }
  if (body.description !== undefined) hook.description = String(body.description)
  if (body.active !== undefined) hook.active = body.active !== false
  if ('secret' in body) {
    if (body.secret !== null && typeof body.secret !== 'string') return badRequest('secret: must be a string')
    if (typeof body.secret === 'string' && body.secret.length > 128) return badRequest('secret: Ensure this value has at most 128 characters.')
    hook.secret = body.secret === null || body.secret === '' ? null : body.secret as string
  }
  return null
}

function findHook(ctx: RouteContext, subject: Subject): Hook | EmuResponse {
  const raw = ctx.params.uid ?? ''
  const id = raw.startsWith('{') ? raw : `{${raw}}`
  const hook = ctx.state.hooks.get(id)
  const scope = scopeOf(subject)
  if (!hook || hook.scope.type !== scope.type || hook.scope.key !== scope.key) return notFound('Webhook not found')
  return hook
}

function hookRoutes(prefix: string, subjectOf: (ctx: RouteContext) => Subject | EmuResponse): CloudRoute[] {
  const withSubject = (fn: (req: EmuRequest, ctx: RouteContext, subject: Subject) => EmuResponse): CloudRoute['handler'] => (req, ctx) => {
    const subject = subjectOf(ctx)
    return isResponse(subject) ? subject : fn(req, ctx, subject)
  }
  return [
    route('GET', `${prefix}/hooks`, ['webhook'], ['read:webhook:bitbucket'], withSubject((req, ctx, subject) =>
      pageOf(req, ctx.state.hooks.list(scopeOf(subject)), (h) => render(req, subject, h)))),
    route('POST', `${prefix}/hooks`, ['webhook'], ['read:webhook:bitbucket', 'write:webhook:bitbucket'], withSubject((req, ctx, subject) => {
      const body = parseBody(req)
      if (isResponse(body)) return body
      const hook: Hook = {id: `{${randomUUID()}}`, scope: scopeOf(subject), url: '', description: '', events: [], active: true, secret: null, createdAt: new Date(ctx.state.now()).toISOString(), extra: {}}
      const invalid = applyBody(body, hook, true)
      if (invalid) return invalid
      ctx.state.hooks.add(hook)
      const rendered = render(req, subject, hook)
      return {status: 201, headers: {Location: (rendered.links as {self: {href: string}}).self.href}, body: rendered}
    })),
    route('GET', `${prefix}/hooks/:uid`, ['webhook'], ['read:webhook:bitbucket'], withSubject((req, ctx, subject) => {
      const hook = findHook(ctx, subject)
      return isResponse(hook) ? hook : {status: 200, body: render(req, subject, hook)}
    })),
    route('PUT', `${prefix}/hooks/:uid`, ['webhook'], ['read:webhook:bitbucket', 'write:webhook:bitbucket'], withSubject((req, ctx, subject) => {
      const hook = findHook(ctx, subject)
      if (isResponse(hook)) return hook
      const body = parseBody(req)
      if (isResponse(body)) return body
      // Validate on a copy so a rejected update changes nothing.
      const draft: Hook = {...hook, events: [...hook.events]}
      const invalid = applyBody(body, draft, false)
      if (invalid) return invalid
      Object.assign(hook, draft)
      return {status: 200, body: render(req, subject, hook)}
    })),
    route('DELETE', `${prefix}/hooks/:uid`, ['webhook'], ['delete:webhook:bitbucket'], withSubject((_req, ctx, subject) => {
      const hook = findHook(ctx, subject)
      if (isResponse(hook)) return hook
      ctx.state.hooks.remove(hook.id)
      return {status: 204}
    })),
  ]
}

const CATEGORY: Record<string, string> = {repo: 'Repository', pullrequest: 'Pull Request', issue: 'Issue', project: 'Project', pipeline: 'Pipeline'}

function describeEvent(event: string): Record<string, unknown> {
  const [family = '', action = ''] = event.split(':')
  const label = action.split('_').map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ')
  return {event, category: CATEGORY[family] ?? family, label, description: `${CATEGORY[family] ?? family}: ${label.toLowerCase()}`}
}

export const hookRouteList: CloudRoute[] = [
  ...hookRoutes('/repositories/:workspace/:repo_slug', (ctx) => {
    const repo = repoParam(ctx)
    return isResponse(repo) ? repo : {type: 'repository', repo}
  }),
  ...hookRoutes('/workspaces/:workspace', (ctx) => {
    const w = workspaceParam(ctx)
    if (isResponse(w)) return w
    // "Only workspace owners can install webhooks on workspaces"; others (and access tokens) get 403.
    if (!ownsWorkspace(ctx)) return cloudError(403, `You must be an owner of workspace ${w.key} to manage its webhooks.`)
    return {type: 'workspace', workspace: w}
  }),
  {
    ...route('GET', '/hook_events/:subject_type', [], [], (req, ctx) => {
      const subject = ctx.params.subject_type
      if (subject !== 'repository' && subject !== 'workspace') return notFound(`Unknown subject type: ${subject ?? ''}`)
      const events = CLOUD_EVENTS.filter((e) => subject === 'workspace' || !e.startsWith('project:'))
      return pageOf(req, events, describeEvent, {defaultPagelen: 100})
    }),
    public: true,
  },
]
