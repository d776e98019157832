/**
 * What every webhook use case shares: the connection and its webhook API, the marker that makes a hook
 * ours, the default events, where the hooks of a set of repositories live (repository or container
 * scope) and how a hook differs from what was ensured.
 */
import type {SecretStoreResolver} from '../auth/stores.js'
import type {SecretStore} from '../auth/types.js'
import type {Connection} from '../config/schema.js'
import type {ConfigStore} from '../config/store.js'
import {BbError, UsageError} from '../errors.js'
import type {ProviderKind} from '../model.js'
import {listRepositories} from '../repos/list.js'
import type {Provider, Webhook, WebhookScope} from '../provider/types.js'
import type {ContainerHooks, WebhookApi} from '../provider/webhook-api.js'

export interface WebhookContext {
  connection: Connection
  api: WebhookApi
  /** Lists every accessible repository when neither `--repo` nor a selection names any. */
  provider: Provider
  /** Where the connection's webhook secret lives (beside its credentials). */
  secretStore: SecretStore
  secretLocation: 'keychain' | 'file'
  /** Records what `ensure` set up; null leaves the config alone. */
  config: ConfigStore | null
  signal?: AbortSignal
}

/** The secret lives where the connection's (first) credential lives, or where an earlier ensure put it. */
export function webhookContext(options: {
  connection: Connection
  api: WebhookApi
  provider: Provider
  secretStores: SecretStoreResolver
  config: ConfigStore | null
  signal?: AbortSignal
}): WebhookContext {
  const secretLocation = options.connection.webhooks?.secretStore ?? options.connection.credentials[0]?.store ?? 'keychain'
  return {
    connection: options.connection, api: options.api, provider: options.provider, config: options.config, signal: options.signal,
    secretStore: options.secretStores(secretLocation), secretLocation,
  }
}

export type ScopeChoice = 'auto' | 'workspace' | 'project' | 'repo'

/** One row per target and action; the JSON contract of ensure, delete and disconnect. */
export interface WebhookRow {
  /** Repository key, or the workspace slug / project key of a container hook. */
  target: string
  scope: WebhookScope
  action: 'create' | 'update' | 'delete' | 'keep' | 'error'
  id: string | null
  url: string | null
  events: string[]
  reason: string | null
}

export function marker(connection: string): string {
  return `bb-integrate:${connection}`
}

/** Ours when the description (Cloud) or name (Data Center) carries our marker as a whole word. */
export function isOurs(hook: Pick<Webhook, 'description'>, connection: string): boolean {
  return hook.description.split(/\s+/).includes(marker(connection))
}

/** Everything the store uses: pushes, pull requests (created/updated/merged/declined), reviews, comments. */
export const DEFAULT_EVENTS: Record<ProviderKind, readonly string[]> = {
  cloud: [
    'repo:push', 'repo:deleted', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'pullrequest:rejected',
    'pullrequest:approved', 'pullrequest:unapproved', 'pullrequest:changes_request_created', 'pullrequest:changes_request_removed',
    'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted',
  ],
  datacenter: [
    'repo:refs_changed', 'repo:modified', 'pr:opened', 'pr:from_ref_updated', 'pr:modified', 'pr:merged', 'pr:declined',
    'pr:deleted', 'pr:reviewer:approved', 'pr:reviewer:unapproved', 'pr:reviewer:needs_work', 'pr:comment:added',
    'pr:comment:edited', 'pr:comment:deleted',
  ],
}

/** Keys people reach for that the server refuses, with the accepted one. */
const RENAMED: Record<ProviderKind, Record<string, string>> = {
  cloud: {},
  datacenter: {'pr:reviewer:changes_requested': 'pr:reviewer:needs_work'},
}

/** The events asked for (comma-separated or repeated), de-duplicated and sorted; the default set when none. */
export function normaliseEvents(kind: ProviderKind, requested: string[] | undefined): string[] {
  const list = (requested ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean)
  return [...new Set(list.length > 0 ? list : DEFAULT_EVENTS[kind])].sort()
}

/** Every event must be one the server accepts on that scope; Cloud rejects unknown and duplicate keys, DC a whole hook. */
export async function checkEvents(ctx: WebhookContext, scope: WebhookScope, events: string[]): Promise<void> {
  const accepted = new Set(await ctx.api.supportedEvents(scope, ctx.signal))
  const unknown = events.filter((e) => !accepted.has(e))
  if (unknown.length === 0) return
  const kind = ctx.api.kind
  const hints = unknown.map((e) => RENAMED[kind][e] ? `${e} (use ${RENAMED[kind][e]})` : e)
  const where = kind === 'cloud' ? `Bitbucket Cloud ${scope === 'workspace' ? 'workspace' : 'repository'} hooks` : 'Bitbucket Data Center'
  throw new UsageError(`Unknown webhook event${unknown.length > 1 ? 's' : ''} for ${where}: ${hints.join(', ')}`, {
    code: 'unknown_event',
    details: {unknown},
    remedy: `Accepted: ${[...accepted].sort().join(', ')}.`,
  })
}

/** `--repo` keys, else the connection's selection, else every repository the connection can see. */
export async function targetRepos(ctx: WebhookContext, repos: string[] | undefined): Promise<string[]> {
  const explicit = (repos ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean)
  for (const key of explicit) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(key)) {
      throw new UsageError(`"${key}" is not a repository key`, {code: 'bad_repo', remedy: 'Give --repo as WORKSPACE/slug (Cloud) or PROJECT/slug (Data Center).'})
    }
  }
  if (explicit.length > 0) return [...new Set(explicit)]
  if (ctx.connection.selection.length > 0) return [...ctx.connection.selection]
  return (await listRepositories(ctx.provider, {signal: ctx.signal})).map((r) => r.key).sort()
}

export function containerOfKey(repo: string): string {
  return repo.slice(0, repo.indexOf('/'))
}

/** Repositories grouped by container, in first-seen order. */
export function byContainer(repos: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const repo of repos) {
    const c = containerOfKey(repo)
    out.set(c, [...(out.get(c) ?? []), repo])
  }
  return out
}

export function containerScope(kind: ProviderKind): WebhookScope {
  return kind === 'cloud' ? 'workspace' : 'project'
}

/** Whether a container's hooks may be used, asked once per container per run. */
export function containerHooksOf(ctx: WebhookContext): (container: string) => Promise<ContainerHooks> {
  const cache = new Map<string, Promise<ContainerHooks>>()
  return (container) => {
    let found = cache.get(container)
    if (!found) {
      found = ctx.api.containerHooks(container, ctx.signal)
      cache.set(container, found)
    }
    return found
  }
}

/** Every hook on a target (all pages). */
export async function listAll(ctx: WebhookContext, scope: WebhookScope, target: string): Promise<Webhook[]> {
  const hooks: Webhook[] = []
  for await (const page of ctx.api.list(scope, target, ctx.signal)) hooks.push(...page.items)
  return hooks
}

export interface DesiredHook {
  url: string
  events: string[]
}

/** What differs between a hook and the desired one (secret drift is decided by the caller). */
export function drift(hook: Webhook, desired: DesiredHook): string[] {
  const out: string[] = []
  if (hook.url !== desired.url) out.push('url')
  const have = [...new Set(hook.events)].sort()
  if (have.length !== desired.events.length || have.some((e, i) => e !== desired.events[i])) out.push('events')
  if (!hook.active) out.push('active')
  if (!hook.secretUnknown && !hook.hasSecret) out.push('secret')
  return out
}

/** A per-target failure becomes an `error` row naming what is missing; anything else is not ours to hide. */
export function errorReason(error: unknown): string {
  if (error instanceof BbError) return error.remedy ? `${error.message} ${error.remedy}` : error.message
  throw error
}

export function parseHookUrl(url: string | undefined, connection: Connection): string {
  const value = url ?? connection.webhooks?.url
  if (!value) {
    throw new UsageError('webhooks ensure needs the URL Bitbucket should deliver to', {
      code: 'missing_url',
      remedy: 'Pass --url https://host/path (a public address or a tunnel you run; see docs/webhooks.md).',
    })
  }
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new UsageError(`--url "${value}" is not a URL`, {code: 'bad_url', remedy: 'Pass an absolute http(s) URL, e.g. https://hooks.example.com/bb.'})
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`--url must be http(s), not ${parsed.protocol}`, {code: 'bad_url', remedy: 'Pass an absolute http(s) URL.'})
  }
  if (parsed.username || parsed.password) {
    throw new UsageError('--url must not carry a user or password', {code: 'bad_url', remedy: 'Deliveries are authenticated by the HMAC secret; drop the credentials from the URL.'})
  }
  return value
}
