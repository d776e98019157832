/**
 * Webhook administration, apart from the read-only Provider the sync engine uses: listing, creating,
 * updating and deleting hooks, the event keys a server accepts, whether container-level hooks are
 * possible, a server-side test delivery and (Data Center) the last failed delivery.
 */
import type {HttpClient} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import {CloudWebhookApi} from './cloud/webhooks.js'
import {DataCenterWebhookApi} from './datacenter/webhooks.js'
import type {Page, Webhook, WebhookInput, WebhookScope} from './types.js'

export interface ContainerHooks {
  available: boolean
  /** Why container-level hooks are (not) used, for humans. */
  reason: string
}

export interface WebhookTestResult {
  /** True when the server reached the URL and the receiver answered 2xx. */
  ok: boolean
  /** HTTP status the receiver answered, or null when it could not be reached. */
  status: number | null
  detail: string
}

export interface WebhookFailure {
  /** ISO time the failed delivery started, when the server says. */
  at: string | null
  event: string | null
  detail: string
}

export interface WebhookApi {
  readonly kind: ProviderKind
  list(scope: WebhookScope, target: string, signal?: AbortSignal): AsyncIterable<Page<Webhook>>
  create(scope: WebhookScope, target: string, input: WebhookInput): Promise<Webhook>
  update(scope: WebhookScope, target: string, id: string, input: WebhookInput): Promise<Webhook>
  delete(scope: WebhookScope, target: string, id: string): Promise<void>
  /** Event keys the server accepts on hooks of this scope (Cloud asks `/hook_events`, Data Center has a fixed set). */
  supportedEvents(scope: WebhookScope, signal?: AbortSignal): Promise<string[]>
  /** Whether hooks on a whole container (Cloud workspace the caller owns, Data Center project on 8.8+) can be used. */
  containerHooks(container: string, signal?: AbortSignal): Promise<ContainerHooks>
  /** Ask the server to send a test delivery to the hook's URL; null where the server has no such endpoint (Cloud). */
  test(hook: Webhook, signal?: AbortSignal): Promise<WebhookTestResult | null>
  /** The last failed delivery of a hook; null when none failed or the server keeps no delivery log (Cloud). */
  latestFailure(hook: Webhook, signal?: AbortSignal): Promise<WebhookFailure | null>
}

export function createWebhookApi({kind, client}: {kind: ProviderKind; client: HttpClient}): WebhookApi {
  return kind === 'cloud' ? new CloudWebhookApi(client) : new DataCenterWebhookApi(client)
}
