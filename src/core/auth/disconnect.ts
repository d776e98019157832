import type {ConfigStore} from '../config/store.js'
import {UsageError} from '../errors.js'
import {secretAccount} from './secret.js'
import type {SecretStoreResolver} from './stores.js'

export interface DisconnectResult {
  connection: string
  /** Secrets deleted from their store (accounts, never values). */
  removedSecrets: string[]
  /** Webhook removal is not implemented yet; reported, never pretended. */
  webhooks: {requested: boolean; removed: number; status: 'not-requested' | 'pending-feature'}
}

/**
 * Secrets first, then the config: if the keychain refuses, the config still names the credentials so
 * the user can retry; a secret is never orphaned by a config that forgot it.
 */
export async function disconnect(options: {
  config: ConfigStore
  secretStores: SecretStoreResolver
  name: string
  removeWebhooks: boolean
}): Promise<DisconnectResult> {
  const connection = options.config.getConnection(options.name)
  if (!connection) {
    const names = options.config.listConnections().map((c) => c.name)
    throw new UsageError(`No connection named "${options.name}"${names.length ? ` (have: ${names.join(', ')})` : ''}`, {code: 'no_connection'})
  }
  const removedSecrets: string[] = []
  for (const credential of connection.credentials) {
    const account = secretAccount(connection.name, credential.id)
    await options.secretStores(credential.store).delete(account)
    removedSecrets.push(account)
  }
  options.config.removeConnection(connection.name)
  return {
    connection: connection.name,
    removedSecrets,
    webhooks: {requested: options.removeWebhooks, removed: 0, status: options.removeWebhooks ? 'pending-feature' : 'not-requested'},
  }
}
