import {randomBytes} from 'node:crypto'

import type {SecretStore} from '../auth/types.js'

/**
 * One webhook secret per connection (32 random bytes, hex), kept in the same secret store as the
 * connection's credentials under `${connection}/webhook-secret`. Never printed, never in config.
 */
export function webhookSecretAccount(connection: string): string {
  return `${connection}/webhook-secret`
}

export async function readWebhookSecret(store: SecretStore, connection: string): Promise<string | null> {
  const value = await store.get(webhookSecretAccount(connection))
  return value && /^[0-9a-f]{64}$/.test(value) ? value : null
}

/** The connection's secret, created when missing or when `rotate` is set. */
export async function ensureWebhookSecret(
  store: SecretStore,
  connection: string,
  options: {rotate?: boolean} = {},
): Promise<{secret: string; created: boolean}> {
  const existing = options.rotate ? null : await readWebhookSecret(store, connection)
  if (existing) return {secret: existing, created: false}
  const secret = randomBytes(32).toString('hex')
  await store.set(webhookSecretAccount(connection), secret)
  return {secret, created: true}
}

export async function deleteWebhookSecret(store: SecretStore, connection: string): Promise<boolean> {
  return store.delete(webhookSecretAccount(connection))
}
