/**
 * `webhooks ensure`: one set of our hooks per connection, found by the `bb-integrate:<connection>`
 * marker and never by URL. Missing → create, drifted (url, events, active, secret) → update, our extra
 * copies → delete, right → keep; a hook without the marker is never touched. Hooks of ours on the scope
 * not chosen (a repository hook when the workspace/project now has one, or the reverse) are deleted: the
 * hooks move with `--scope`. `dryRun` sends no write request and writes no secret.
 */
import {UsageError} from '../errors.js'
import type {WebhookInput, WebhookScope} from '../provider/types.js'
import {
  byContainer, checkEvents, containerHooksOf, containerScope, drift, errorReason, isOurs, listAll, marker, normaliseEvents,
  parseHookUrl, targetRepos, type ScopeChoice, type WebhookContext, type WebhookRow,
} from './context.js'
import {ensureWebhookSecret, readWebhookSecret} from './secret.js'

/** A receiver that registers its hooks on start (and removes them on stop) needs both halves. */
export {deleteWebhooks, type DeleteOptions, type DeleteResult} from './delete.js'
export {openWebhooks, type OpenedWebhooks} from './open.js'

export interface EnsureOptions {
  /** Default: the URL recorded by the last ensure. */
  url?: string
  /** Default: the recorded scope, else auto. */
  scope?: ScopeChoice
  /** Default: the recorded events, else everything the store uses. */
  events?: string[]
  /** Default: the selection, else every accessible repository. */
  repos?: string[]
  dryRun?: boolean
  rotateSecret?: boolean
}

export interface EnsureResult {
  rows: WebhookRow[]
  dryRun: boolean
  url: string
  scope: ScopeChoice
  events: string[]
  /** Whether the connection's secret was created or replaced by this run (its value is never returned). */
  secret: {created: boolean; rotated: boolean}
}

interface Target {
  scope: WebhookScope
  target: string
}

export async function ensureWebhooks(ctx: WebhookContext, options: EnsureOptions = {}): Promise<EnsureResult> {
  const {connection, api} = ctx
  const recorded = connection.webhooks
  const url = parseHookUrl(options.url, connection)
  const scope = options.scope ?? recorded?.scope ?? 'auto'
  if (scope === 'workspace' && api.kind !== 'cloud') {
    throw new UsageError('Bitbucket Data Center has no workspace webhooks', {code: 'unsupported_scope', remedy: 'Use --scope project, repo or auto.'})
  }
  if (scope === 'project' && api.kind !== 'datacenter') {
    throw new UsageError('Bitbucket Cloud has no project webhooks', {code: 'unsupported_scope', remedy: 'Use --scope workspace, repo or auto.'})
  }
  const events = normaliseEvents(api.kind, options.events ?? recorded?.events)
  const dryRun = Boolean(options.dryRun)
  const repos = await targetRepos(ctx, options.repos)
  if (repos.length === 0) {
    throw new UsageError('No repository to put webhooks on', {code: 'no_repos', remedy: 'Select some with `bb-integrate repos select`, or pass --repo KEY.'})
  }

  // Plan (reads only): where the hooks of each container go, and where ours must no longer be.
  const rows: WebhookRow[] = []
  const cScope = containerScope(api.kind)
  const containerHooks = containerHooksOf(ctx)
  const wanted: Target[] = []
  const stale: Target[] = []
  for (const [container, members] of byContainer(repos)) {
    const available = scope === 'repo' || scope === 'auto' || scope === cScope ? await containerHooks(container) : null
    const useContainer = scope === cScope || (scope === 'auto' && Boolean(available?.available))
    if (useContainer && !available?.available) {
      rows.push({target: container, scope: cScope, action: 'error', id: null, url, events, reason: available?.reason ?? 'container webhooks are not available'})
      continue
    }
    if (useContainer) {
      wanted.push({scope: cScope, target: container})
      stale.push(...members.map((r) => ({scope: 'repo' as const, target: r})))
    } else {
      wanted.push(...members.map((r) => ({scope: 'repo' as const, target: r})))
      if (available?.available) stale.push({scope: cScope, target: container})
    }
  }
  for (const s of new Set(wanted.map((t) => t.scope))) await checkEvents(ctx, s, events)

  let secret: string | null
  let secretNew: boolean
  if (dryRun) {
    secret = await readWebhookSecret(ctx.secretStore, connection.name)
    secretNew = Boolean(options.rotateSecret) || secret === null
  } else {
    const ensured = await ensureWebhookSecret(ctx.secretStore, connection.name, {rotate: options.rotateSecret})
    secret = ensured.secret
    secretNew = ensured.created
  }

  const desired = {url, events}
  for (const {scope: s, target} of wanted) {
    try {
      const ours = (await listAll(ctx, s, target)).filter((h) => isOurs(h, connection.name))
      if (ours.length === 0) {
        let id: string | null = null
        if (!dryRun) {
          const input: WebhookInput = {url, description: marker(connection.name), events, active: true, secret}
          id = (await api.create(s, target, input)).id
        }
        rows.push({target, scope: s, action: 'create', id, url, events, reason: null})
        continue
      }
      const keep = ours.find((h) => drift(h, desired).length === 0 && !secretNew) ?? ours[0]!
      const drifted = drift(keep, desired)
      if (secretNew && !drifted.includes('secret')) drifted.push('secret')
      if (drifted.length > 0) {
        if (!dryRun) {
          await api.update(s, target, keep.id, {
            url, description: keep.description, events, active: true, ...(drifted.includes('secret') ? {secret} : {}),
          })
        }
        rows.push({target, scope: s, action: 'update', id: keep.id, url, events, reason: `drifted: ${drifted.join(', ')}`})
      } else {
        rows.push({target, scope: s, action: 'keep', id: keep.id, url, events, reason: null})
      }
      for (const dup of ours.filter((h) => h !== keep)) {
        if (!dryRun) await api.delete(s, target, dup.id)
        rows.push({target, scope: s, action: 'delete', id: dup.id, url: dup.url, events: dup.events, reason: 'duplicate of ours'})
      }
    } catch (error) {
      rows.push({target, scope: s, action: 'error', id: null, url, events, reason: errorReason(error)})
    }
  }
  for (const {scope: s, target} of stale) {
    try {
      for (const hook of (await listAll(ctx, s, target)).filter((h) => isOurs(h, connection.name))) {
        if (!dryRun) await api.delete(s, target, hook.id)
        rows.push({target, scope: s, action: 'delete', id: hook.id, url: hook.url, events: hook.events,
          reason: s === 'repo' ? `moved to the ${cScope} hook` : 'moved to repository hooks'})
      }
    } catch (error) {
      rows.push({target, scope: s, action: 'error', id: null, url: null, events: [], reason: errorReason(error)})
    }
  }

  if (!dryRun && ctx.config) {
    ctx.config.update((config) => {
      const entry = config.connections[connection.name]
      if (entry) entry.webhooks = {url, scope, events, secretStore: ctx.secretLocation, ensuredAt: new Date().toISOString()}
    })
  }
  if (!dryRun) ctx.connection = {...connection, webhooks: {url, scope, events, secretStore: ctx.secretLocation, ensuredAt: new Date().toISOString()}}
  return {rows, dryRun, url, scope, events, secret: {created: !dryRun && secretNew && !options.rotateSecret, rotated: !dryRun && Boolean(options.rotateSecret)}}
}
