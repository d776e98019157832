/** A connection opened for webhook administration: its HTTP client behind a WebhookApi, and its secret store. */
import {createSecretStoreResolver, toResolver, type SecretStoreResolver} from '../auth/stores.js'
import type {SecretStore} from '../auth/types.js'
import {openConnection, type OpenConnectionOptions, type OpenedConnection} from '../connection.js'
import {createWebhookApi} from '../provider/webhook-api.js'
import {webhookContext, type WebhookContext} from './context.js'

export interface OpenedWebhooks {
  ctx: WebhookContext
  /** The HTTP client's counters (requests, retries, waits) for summaries. */
  stats: OpenedConnection['client']['stats']
  close(): Promise<void>
}

export async function openWebhooks(options: OpenConnectionOptions & {secretStore?: SecretStore | SecretStoreResolver}): Promise<OpenedWebhooks> {
  const {config} = options
  const {warn} = options
  const opened = await openConnection({...options, config, warn})
  const secretStores = options.secretStore
    ? toResolver(options.secretStore)
    : createSecretStoreResolver({configDir: config.dir, warn, keychainTimeoutMs: options.env.keychainTimeoutMs})
  const ctx = webhookContext({
    connection: opened.connection,
    api: createWebhookApi({kind: opened.connection.provider, client: opened.client}),
    provider: opened.provider,
    secretStores,
    // A connection made of environment variables has no config entry to record into.
    config: config.getConnection(opened.connection.name) ? config : null,
    signal: options.signal,
  })
  return {ctx, stats: () => opened.client.stats(), close: () => opened.close()}
}
