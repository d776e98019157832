/** Data Center webhook endpoints (repository and project scopes) and request bodies. */
import {UsageError} from '../../errors.js'
import type {HttpClient} from '../../http/types.js'
import type {Page, Webhook, WebhookInput, WebhookScope} from '../types.js'
import type {ContainerHooks, WebhookApi, WebhookFailure, WebhookTestResult} from '../webhook-api.js'
import {seg, splitRepoKey} from '../keys.js'
import {mapDcWebhook} from './map.js'
import {dcPages} from './paginate.js'
import {API, repoPath} from './paths.js'
import type {DcWebhook} from './raw.js'

export function hooksPath(scope: WebhookScope, target: string): string {
  if (scope === 'project') return `${API}/projects/${seg(target)}/webhooks`
  if (scope === 'repo') {
    const {container, slug} = splitRepoKey(target)
    return `${repoPath(container, slug)}/webhooks`
  }
  throw new UsageError('Bitbucket Data Center has no workspace-level webhooks.', {
    code: 'unsupported_scope', remedy: 'Use --scope repo or --scope project.',
  })
}

/**
 * The secret lives in `configuration.secret`. Leaving `configuration` out of an update keeps what the
 * server stores; an empty secret removes it (an empty configuration alone would keep it).
 */
export function hookBody(input: WebhookInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: input.description, url: input.url, events: [...input.events], active: input.active,
  }
  if (input.secret !== undefined) body.configuration = {secret: input.secret ?? ''}
  return body
}

/** DC never echoes the secret: what was just sent is the best knowledge of it. */
export function withSentSecret(hook: Webhook, input: WebhookInput): Webhook {
  if (input.secret === undefined || !hook.secretUnknown) return hook
  const {secretUnknown: _unknown, ...known} = hook
  return {...known, hasSecret: Boolean(input.secret)}
}

/**
 * The event keys Data Center accepts on a webhook (a create with any other key fails as a whole). The
 * documented "changes requested" event is `pr:reviewer:needs_work`; `pr:reviewer:changes_requested` and
 * `pr:to_ref_updated` are refused by the server.
 */
export const DC_EVENTS: readonly string[] = [
  'repo:refs_changed', 'repo:modified', 'repo:forked', 'repo:comment:added', 'repo:comment:edited', 'repo:comment:deleted',
  'repo:secret_detected', 'mirror:repo_synchronized', 'project:modified',
  'pr:opened', 'pr:from_ref_updated', 'pr:modified', 'pr:merged', 'pr:declined', 'pr:deleted',
  'pr:reviewer:updated', 'pr:reviewer:approved', 'pr:reviewer:unapproved', 'pr:reviewer:needs_work',
  'pr:comment:added', 'pr:comment:edited', 'pr:comment:deleted',
]

/** Project webhooks exist from Data Center 8.8 on. */
const PROJECT_HOOKS_SINCE: readonly [number, number] = [8, 8]

interface DcTestResponse {
  response?: {statusCode?: number} | null
  exception?: {message?: string} | null
}

interface DcInvocation {
  event?: string
  start?: number
  result?: {description?: string; outcome?: string; error?: string; at?: string} | null
}

export class DataCenterWebhookApi implements WebhookApi {
  readonly kind = 'datacenter' as const
  private version: Promise<string | null> | null = null

  constructor(private readonly client: HttpClient) {}

  async *list(scope: WebhookScope, target: string, signal?: AbortSignal): AsyncIterable<Page<Webhook>> {
    for await (const page of dcPages<DcWebhook>(this.client, hooksPath(scope, target), {}, {signal})) {
      yield {items: page.values.map((h) => mapDcWebhook(h, scope, target)), cursor: page.next}
    }
  }

  async create(scope: WebhookScope, target: string, input: WebhookInput): Promise<Webhook> {
    const res = await this.client.request<DcWebhook>(hooksPath(scope, target), {method: 'POST', body: hookBody(input)})
    return withSentSecret(mapDcWebhook(res.body, scope, target), input)
  }

  async update(scope: WebhookScope, target: string, id: string, input: WebhookInput): Promise<Webhook> {
    const res = await this.client.request<DcWebhook>(`${hooksPath(scope, target)}/${seg(id)}`, {method: 'PUT', body: hookBody(input)})
    return withSentSecret(mapDcWebhook(res.body, scope, target), input)
  }

  async delete(scope: WebhookScope, target: string, id: string): Promise<void> {
    await this.client.request(`${hooksPath(scope, target)}/${seg(id)}`, {method: 'DELETE'})
  }

  /** Data Center has no endpoint listing event keys: this is the set its servers accept. */
  async supportedEvents(scope: WebhookScope): Promise<string[]> {
    return scope === 'workspace' ? [] : [...DC_EVENTS]
  }

  async containerHooks(container: string, signal?: AbortSignal): Promise<ContainerHooks> {
    this.version ??= this.client.request<{version?: string}>(`${API}/application-properties`, {signal})
      .then((res) => res.body.version ?? null)
    const version = await this.version
    const [major = 0, minor = 0] = (version ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0)
    const [needMajor, needMinor] = PROJECT_HOOKS_SINCE
    if (!(major > needMajor || (major === needMajor && minor >= needMinor))) {
      return {available: false, reason: `Data Center ${version ?? '(unknown version)'} has no project webhooks (8.8 or later)`}
    }
    // Project hooks need PROJECT_ADMIN: a refused listing means repository hooks instead.
    const probe = await this.client.request(hooksPath('project', container), {query: {limit: 1}, signal, okStatuses: [401, 403, 404]})
    return probe.status === 200
      ? {available: true, reason: `Data Center ${version} has project webhooks and you administer project ${container}`}
      : {available: false, reason: `you do not administer project ${container} (PROJECT_ADMIN): project webhooks need it`}
  }

  /** `POST …/webhooks/test?url=…&webhookId=…`: the server calls the URL itself, signed with the hook's secret. */
  async test(hook: Webhook, signal?: AbortSignal): Promise<WebhookTestResult> {
    const res = await this.client.request<DcTestResponse>(`${hooksPath(hook.scope, hook.target)}/test`, {
      method: 'POST', query: {url: hook.url, webhookId: hook.id}, signal,
    })
    const status = typeof res.body?.response?.statusCode === 'number' ? res.body.response.statusCode : null
    if (status === null) {
      return {ok: false, status, detail: `the server could not reach ${hook.url}: ${res.body?.exception?.message ?? 'no response'}`}
    }
    return {ok: status >= 200 && status < 300, status, detail: `the receiver at ${hook.url} answered HTTP ${status}`}
  }

  /**
   * `GET …/webhooks/{id}/latest?outcome=FAILURE` (an error answer) then `…=ERROR` (no answer): 204 when
   * there is none. The later of the two is the last failed delivery.
   */
  async latestFailure(hook: Webhook, signal?: AbortSignal): Promise<WebhookFailure | null> {
    const found: WebhookFailure[] = []
    for (const outcome of ['FAILURE', 'ERROR']) {
      const res = await this.client.request<DcInvocation | string>(`${hooksPath(hook.scope, hook.target)}/${seg(hook.id)}/latest`, {
        query: {outcome}, signal, okStatuses: [204],
      })
      if (res.status === 204 || typeof res.body !== 'object' || res.body === null) continue
      const result = res.body.result ?? {}
      const at = typeof res.body.start === 'number' ? new Date(res.body.start).toISOString() : typeof result.at === 'string' ? result.at : null
      found.push({at, event: res.body.event ?? null, detail: result.description ?? result.error ?? outcome.toLowerCase()})
    }
    return found.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))[0] ?? null
  }
}
