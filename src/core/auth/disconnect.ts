import type {ConfigStore} from '../config/store.js'
import {UsageError} from '../errors.js'
import {webhookSecretAccount} from '../webhooks/secret.js'
import {secretAccount} from './secret.js'
import type {SecretStoreResolver} from './stores.js'

export interface DisconnectResult {
  connection: string
  /** Secrets deleted from their store (accounts, never values). */
  removedSecrets: string[]
  webhooks: {requested: boolean; removed: number; status: 'not-requested' | 'removed'}
}

/**
 * Our webhooks first (a failure stops here, so the connection that can still delete them is kept), then
 * the secrets, then the config: if the keychain refuses, the config still names the credentials so the
 * user can retry; a secret is never orphaned by a config that forgot it.
 */
export async function disconnect(options: {
  config: ConfigStore
  secretStores: SecretStoreResolver
  name: string
  /** Deletes the connection's webhooks and answers how many; throws when any could not be deleted. */
  removeWebhooks?: () => Promise<number>
}): Promise<DisconnectResult> {
  const connection = options.config.getConnection(options.name)
  if (!connection) {
    const names = options.config.listConnections().map((c) => c.name)
    throw new UsageError(`No connection named "${options.name}"${names.length ? ` (have: ${names.join(', ')})` : ''}`, {code: 'no_connection'})
  }
  const removed = options.removeWebhooks ? await options.removeWebhooks() : 0
  const removedSecrets: string[] = []
  for (const credential of connection.credentials) {
    const account = secretAccount(connection.name, credential.id)
    await options.secretStores(credential.store).delete(account)
    removedSecrets.push(account)
  }
  // The webhook secret goes with the connection (hooks left on Bitbucket can no longer be verified).
  const hookSecretStore = options.secretStores(connection.webhooks?.secretStore ?? connection.credentials[0]?.store ?? 'keychain')
  if (await hookSecretStore.delete(webhookSecretAccount(connection.name))) removedSecrets.push(webhookSecretAccount(connection.name))
  options.config.removeConnection(connection.name)
  return {
    connection: connection.name,
    removedSecrets,
    webhooks: {requested: Boolean(options.removeWebhooks), removed, status: options.removeWebhooks ? 'removed' : 'not-requested'},
  }
}
