import type {ConfigStore} from '../config/store.js'
import type {BbEnv} from '../env.js'
import {UsageError} from '../errors.js'
import {httpCredentialId} from './credentials.js'
import {parseSecret, secretAccount} from './secret.js'
import type {SecretStoreResolver} from './stores.js'

export interface CredentialTokenRequest {
  config: ConfigStore
  env: BbEnv
  resolve: SecretStoreResolver
  /** Connection; default BB_INTEGRATE_CONNECTION, then the default connection. */
  name?: string
  /** Credential id on the connection (e.g. "1"); default the first. */
  credentialId?: string
  /** Opens the connection to refresh an expired OAuth access token (src/core/connection.ts). */
  refresh: (name: string) => Promise<{credentials: Array<{id: string; authorization: () => Promise<string>}>; close: () => Promise<void>}>
}

/**
 * The secret a credential sends (as `gh auth token`): the API or access token, or the OAuth access token
 * (refreshed first when it has expired). BB_INTEGRATE_TOKEN, when set, is what every command sends: that one.
 */
export async function credentialToken(request: CredentialTokenRequest): Promise<{connection: string | null; credential: string; token: string}> {
  if (request.env.token) return {connection: request.name ?? request.env.connection ?? null, credential: 'env', token: request.env.token}
  const name = request.name ?? request.env.connection ?? request.config.defaultConnectionName()
  if (!name) throw new UsageError('No connection', {code: 'no_connection', remedy: 'Run `bb-integrate auth login` (or `connect`).'})
  const connection = request.config.getConnection(name)
  if (!connection) {
    throw new UsageError(`No connection named "${name}"`, {code: 'no_connection', remedy: 'See `bb-integrate auth status` for the connections there are.'})
  }
  const meta = request.credentialId === undefined ? connection.credentials[0] : connection.credentials.find((c) => c.id === request.credentialId)
  if (!meta) {
    throw new UsageError(request.credentialId === undefined ? `Connection "${name}" has no credential` : `Connection "${name}" has no credential "${request.credentialId}"`, {
      code: 'no_credential',
      remedy: `Add one with \`bb-integrate connect --name ${name} --add\`; \`auth status\` lists the ids.`,
    })
  }
  const account = secretAccount(name, meta.id)
  const raw = await request.resolve(meta.store).get(account)
  if (raw === null) {
    throw new UsageError(`The secret of ${account} is missing from the ${meta.store}`, {
      code: 'secret_missing',
      remedy: `Connect again: \`bb-integrate connect --name ${name}\`.`,
    })
  }
  const secret = parseSecret(raw, account)
  if (secret.kind !== 'oauth') return {connection: name, credential: meta.id, token: secret.token}
  // OAuth: the access token the client would send now, refreshed (and stored) when it has expired.
  const opened = await request.refresh(name)
  try {
    const credential = opened.credentials.find((c) => c.id === httpCredentialId(name, meta.id))
    const header = credential ? await credential.authorization() : `Bearer ${secret.accessToken}`
    return {connection: name, credential: meta.id, token: header.replace(/^Bearer\s+/, '')}
  } finally {
    await opened.close()
  }
}
