/**
 * `webhooks delete` and `disconnect --remove-webhooks`: remove our hooks (the marker decides, never the
 * URL) from the selected repositories and their workspaces/projects. A hook without our marker is never
 * deleted, even when named by `--id`.
 */
import {UsageError} from '../errors.js'
import type {WebhookScope} from '../provider/types.js'
import {
  byContainer, containerHooksOf, containerScope, errorReason, isOurs, listAll, targetRepos, type WebhookContext, type WebhookRow,
} from './context.js'
import {deleteWebhookSecret} from './secret.js'

export interface DeleteOptions {
  repos?: string[]
  /** Only this hook (it must be ours). */
  id?: string
  /** Only these hooks, e.g. the ones a receiver created for itself (foreign ones are still left alone). */
  ids?: string[]
  dryRun?: boolean
  /** Also delete the connection's webhook secret (when every hook of ours is gone). */
  deleteSecret?: boolean
}

export interface DeleteResult {
  rows: WebhookRow[]
  dryRun: boolean
  secretDeleted: boolean
}

export async function deleteWebhooks(ctx: WebhookContext, options: DeleteOptions = {}): Promise<DeleteResult> {
  const {connection, api} = ctx
  const dryRun = Boolean(options.dryRun)
  const repos = await targetRepos(ctx, options.repos)
  const containerHooks = containerHooksOf(ctx)
  const targets: Array<{scope: WebhookScope; target: string}> = []
  for (const [container, members] of byContainer(repos)) {
    if ((await containerHooks(container)).available) targets.push({scope: containerScope(api.kind), target: container})
    targets.push(...members.map((r) => ({scope: 'repo' as const, target: r})))
  }
  const rows: WebhookRow[] = []
  let foreignWithId = false
  const only = options.ids ? new Set(options.ids) : options.id === undefined ? null : new Set([options.id])
  for (const {scope, target} of targets) {
    try {
      for (const hook of await listAll(ctx, scope, target)) {
        if (only && !only.has(hook.id)) continue
        if (!isOurs(hook, connection.name)) {
          foreignWithId ||= options.id !== undefined
          continue
        }
        if (!dryRun) await api.delete(scope, target, hook.id)
        rows.push({target, scope, action: 'delete', id: hook.id, url: hook.url, events: hook.events, reason: null})
      }
    } catch (error) {
      rows.push({target, scope, action: 'error', id: null, url: null, events: [], reason: errorReason(error)})
    }
  }
  if (options.id !== undefined && !rows.some((r) => r.action === 'delete')) {
    if (foreignWithId) {
      throw new UsageError(`Webhook ${options.id} was not created by bb-integrate for connection "${connection.name}"; it is left alone`, {
        code: 'foreign_webhook', remedy: 'Delete it in Bitbucket (repository or workspace settings → Webhooks) if you mean to.',
      })
    }
    if (!rows.some((r) => r.action === 'error')) {
      throw new UsageError(`No webhook ${options.id} on the selected repositories`, {code: 'no_webhook', remedy: 'See `bb-integrate webhooks list`.'})
    }
  }
  const clean = !rows.some((r) => r.action === 'error')
  const everything = only === null && (options.repos ?? []).length === 0
  let secretDeleted = false
  if (!dryRun && clean && everything) {
    if (options.deleteSecret) secretDeleted = await deleteWebhookSecret(ctx.secretStore, connection.name)
    ctx.config?.update((config) => {
      const entry = config.connections[connection.name]
      if (entry) delete entry.webhooks
    })
    const {webhooks: _gone, ...rest} = connection
    ctx.connection = rest
  }
  return {rows, dryRun, secretDeleted}
}

