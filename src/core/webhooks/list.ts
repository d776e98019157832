/**
 * `webhooks list`: every hook on the selected repositories and on their workspaces/projects (where the
 * caller may see them), ours marked, and for ours what differs from the last ensure.
 */
import type {WebhookScope} from '../provider/types.js'
import {
  byContainer, containerHooksOf, containerScope, drift, errorReason, isOurs, listAll, normaliseEvents, targetRepos,
  type WebhookContext,
} from './context.js'

export interface ListedHook {
  target: string
  scope: WebhookScope
  id: string
  url: string
  description: string
  events: string[]
  active: boolean
  /** Whether the server reports a secret (Data Center never says: null). */
  secretSet: boolean | null
  ours: boolean
  /** For ours: what differs from the last ensure (url, events, active, secret); null for foreign hooks or before any ensure. */
  drift: string[] | null
}

export interface ListResult {
  hooks: ListedHook[]
  /** Targets that could not be read (a missing permission, a missing repository). */
  errors: Array<{target: string; scope: WebhookScope; reason: string}>
}

export async function listWebhooks(ctx: WebhookContext, options: {repos?: string[]; concurrency?: number} = {}): Promise<ListResult> {
  const {connection, api} = ctx
  const recorded = connection.webhooks
  const desired = recorded ? {url: recorded.url, events: normaliseEvents(api.kind, recorded.events)} : null
  const repos = await targetRepos(ctx, options.repos)
  const containerHooks = containerHooksOf(ctx)
  const targets: Array<{scope: WebhookScope; target: string}> = []
  for (const [container, members] of byContainer(repos)) {
    if ((await containerHooks(container)).available) targets.push({scope: containerScope(api.kind), target: container})
    targets.push(...members.map((r) => ({scope: 'repo' as const, target: r})))
  }
  // A few targets at a time (validate reads hundreds of repositories within its time budget), kept in order.
  const {default: pLimit} = await import('p-limit')
  const limit = pLimit(options.concurrency ?? 8)
  const settled = await Promise.all(targets.map(({scope, target}) => limit(async () => {
    try {
      return {scope, target, hooks: await listAll(ctx, scope, target), error: null}
    } catch (error) {
      return {scope, target, hooks: [], error: errorReason(error)}
    }
  })))
  const result: ListResult = {hooks: [], errors: []}
  for (const {scope, target, hooks, error} of settled) {
    if (error !== null) result.errors.push({target, scope, reason: error})
    for (const hook of hooks) {
      const ours = isOurs(hook, connection.name)
      result.hooks.push({
        target, scope, id: hook.id, url: hook.url, description: hook.description, events: hook.events, active: hook.active,
        secretSet: hook.secretUnknown ? null : hook.hasSecret, ours, drift: ours && desired ? drift(hook, desired) : null,
      })
    }
  }
  return result
}
