/** Cloud webhook endpoints (repository and workspace scopes) and request bodies. */
import {UsageError} from '../../errors.js'
import type {HttpClient} from '../../http/types.js'
import type {Page, Webhook, WebhookInput, WebhookScope} from '../types.js'
import type {ContainerHooks, WebhookApi} from '../webhook-api.js'
import {seg, splitRepoKey} from '../keys.js'
import {mapCloudWebhook} from './map.js'
import {cloudPages} from './paginate.js'
import type {CloudWebhook} from './raw.js'

export function hooksPath(scope: WebhookScope, target: string): string {
  if (scope === 'workspace') return `/workspaces/${seg(target)}/hooks`
  if (scope === 'repo') {
    const {container, slug} = splitRepoKey(target)
    return `/repositories/${seg(container)}/${seg(slug)}/hooks`
  }
  throw new UsageError('Bitbucket Cloud has no project-level webhooks.', {
    code: 'unsupported_scope', remedy: 'Use --scope repo or --scope workspace.',
  })
}

/** `secret` is write-only: omitted keeps the stored one, null removes it (Cloud webhook_subscription). */
export function hookBody(input: WebhookInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    url: input.url, description: input.description, events: [...input.events], active: input.active,
  }
  if (input.secret !== undefined) body.secret = input.secret
  return body
}

/** `/hook_events/{subject}` answers with the accepted event keys, paginated. */
interface CloudHookEvent {
  event?: string
}

interface CloudMembership {
  permission?: string
}

export class CloudWebhookApi implements WebhookApi {
  readonly kind = 'cloud' as const
  private readonly eventCache = new Map<string, Promise<string[]>>()

  constructor(private readonly client: HttpClient) {}

  async *list(scope: WebhookScope, target: string, signal?: AbortSignal): AsyncIterable<Page<Webhook>> {
    for await (const page of cloudPages<CloudWebhook>(this.client, hooksPath(scope, target), {pagelen: PAGELEN}, {signal})) {
      yield {items: page.values.map((h) => mapCloudWebhook(h, scope, target)), cursor: page.next}
    }
  }

  async create(scope: WebhookScope, target: string, input: WebhookInput): Promise<Webhook> {
    const res = await this.client.request<CloudWebhook>(hooksPath(scope, target), {method: 'POST', body: hookBody(input)})
    return mapCloudWebhook(res.body, scope, target)
  }

  async update(scope: WebhookScope, target: string, id: string, input: WebhookInput): Promise<Webhook> {
    const res = await this.client.request<CloudWebhook>(`${hooksPath(scope, target)}/${seg(id)}`, {method: 'PUT', body: hookBody(input)})
    return mapCloudWebhook(res.body, scope, target)
  }

  async delete(scope: WebhookScope, target: string, id: string): Promise<void> {
    await this.client.request(`${hooksPath(scope, target)}/${seg(id)}`, {method: 'DELETE'})
  }

  supportedEvents(scope: WebhookScope, signal?: AbortSignal): Promise<string[]> {
    const subject = scope === 'workspace' ? 'workspace' : 'repository'
    let cached = this.eventCache.get(subject)
    if (!cached) {
      cached = (async () => {
        const events: string[] = []
        for await (const page of cloudPages<CloudHookEvent>(this.client, `/hook_events/${subject}`, {pagelen: PAGELEN}, {signal})) {
          for (const e of page.values) if (typeof e.event === 'string') events.push(e.event)
        }
        return events
      })()
      cached.catch(() => this.eventCache.delete(subject))
      this.eventCache.set(subject, cached)
    }
    return cached
  }

  /** Only workspace owners may install workspace hooks; access tokens have no membership to ask about. */
  async containerHooks(container: string, signal?: AbortSignal): Promise<ContainerHooks> {
    const res = await this.client.request<CloudMembership>(`/user/workspaces/${seg(container)}/permission`, {signal, okStatuses: [403, 404]})
    if (res.status === 200 && res.body.permission === 'owner') return {available: true, reason: `you own workspace ${container}`}
    const why = res.status === 200 ? `you are ${res.body.permission ?? 'not an owner'} of workspace ${container}, not its owner`
      : `workspace ownership of ${container} cannot be read with this credential`
    return {available: false, reason: `${why}: only owners may install workspace hooks`}
  }

  /** Bitbucket Cloud has no endpoint that sends a test delivery. */
  async test(): Promise<null> {
    return null
  }

  /** Bitbucket Cloud keeps no delivery log reachable over the API. */
  async latestFailure(): Promise<null> {
    return null
  }
}

const PAGELEN = 100
