import type {Connection, CredentialKind, SecretLocation} from '../config/schema.js'
import type {ConfigStore} from '../config/store.js'
import {openConnection, type ConnectionOpener, type OpenConnectionOptions} from '../connection.js'
import type {BbEnv} from '../env.js'
import {AuthError, BbError} from '../errors.js'
import {httpCredentialId} from './credentials.js'
import {secretAccount} from './secret.js'
import type {SecretStoreResolver} from './stores.js'

export interface CredentialStatus {
  id: string
  kind: CredentialKind
  /** Where the secret lives: OS keychain or the opt-in plain file (path given). */
  store: SecretLocation
  storePath: string | null
  principal: string
  /** Cloud access tokens: the workspace or workspace/repo the token is checked against. */
  target: string | null
  identity: {id: string; displayName: string | null; accountId: string | null}
  scopes: string[] | null
  expiresAt: string | null
  expired: boolean
  /** With --check: ok | invalid | error, and why. */
  check?: {status: 'ok' | 'invalid' | 'error'; message: string | null; code: string | null}
}

export interface ConnectionStatus {
  name: string
  provider: Connection['provider']
  url: string
  isDefault: boolean
  selection: number
  credentials: CredentialStatus[]
}

export interface AuthStatus {
  configPath: string
  defaultConnection: string | null
  /** BB_INTEGRATE_TOKEN overrides stored credentials when set. */
  envToken: boolean
  /** With --check and BB_INTEGRATE_TOKEN: whether that token works (what CI will use). */
  envCheck?: {connection: string | null; principal: string | null; identity: string | null} & NonNullable<CredentialStatus['check']>
  connections: ConnectionStatus[]
  /** With --check: true when every credential checked answered. */
  valid?: boolean
}

export interface AuthStatusOptions {
  config: ConfigStore
  env: BbEnv
  name?: string
  check?: boolean
  now?: () => number
  /** For --check; tests pass a MemoryStore resolver and a dispatcher. */
  open?: Partial<OpenConnectionOptions>
  secretStores?: SecretStoreResolver
  /** For --check: opens a connection with the caller's wiring (the command context); `open` is then unused. */
  opener?: ConnectionOpener
}

/** What is stored (metadata only; no secret is read unless --check asks the API). */
export async function authStatus(options: AuthStatusOptions): Promise<AuthStatus> {
  const {config} = options
  const now = (options.now ?? Date.now)()
  const defaultName = config.defaultConnectionName() ?? null
  const connections = config.listConnections().filter((c) => !options.name || c.name === options.name)
  const status: AuthStatus = {
    configPath: config.path,
    defaultConnection: defaultName,
    envToken: Boolean(options.env.token),
    connections: connections.map((c) => ({
      name: c.name,
      provider: c.provider,
      url: c.url,
      isDefault: c.name === defaultName,
      selection: c.selection.length,
      credentials: c.credentials.map((m) => ({
        id: m.id,
        kind: m.kind,
        store: m.store,
        storePath: m.store === 'file' ? `${config.dir}/secrets.json` : null,
        principal: m.principal,
        target: m.target ?? null,
        identity: m.identity,
        scopes: m.scopes,
        expiresAt: m.expiresAt === null ? null : new Date(m.expiresAt).toISOString(),
        // An OAuth access token past expiry is refreshed on use; only say so.
        expired: m.expiresAt !== null && m.expiresAt <= now,
      })),
    })),
  }
  if (!options.check) return status

  let valid = true
  for (const connection of status.connections) {
    const env = {...options.env, token: undefined}
    const opened = await (options.opener
      ? options.opener({name: connection.name, env})
      : openConnection({
        // A missing secret is this report's own finding (secret_missing), not a separate warning.
        warn: () => undefined,
        ...options.open,
        name: connection.name,
        env,
        config,
        ...(options.secretStores ? {secretStore: options.secretStores} : {}),
      })).catch((error: unknown) => error as Error)
    for (const credential of connection.credentials) {
      if (opened instanceof Error) {
        credential.check = describeFailure(opened)
        valid = false
        continue
      }
      const httpId = httpCredentialId(connection.name, credential.id)
      if (!opened.credentials.some((c) => c.id === httpId)) {
        credential.check = {status: 'invalid', message: `secret ${secretAccount(connection.name, credential.id)} is missing from the ${credential.store}`, code: 'secret_missing'}
        valid = false
        continue
      }
      try {
        await opened.provider.identity({credentialId: httpId, ...(credential.target ? {target: credential.target} : {})})
        credential.check = {status: 'ok', message: null, code: null}
      } catch (error) {
        credential.check = describeFailure(error)
        valid = false
      }
    }
    if (!(opened instanceof Error)) await opened.close()
  }
  if (options.env.token) {
    status.envCheck = await checkEnvToken(options)
    if (status.envCheck.status !== 'ok') valid = false
  }
  status.valid = valid
  return status
}

function describeFailure(error: unknown): NonNullable<CredentialStatus['check']> {
  if (error instanceof AuthError) return {status: 'invalid', message: error.message, code: error.code}
  if (error instanceof BbError) return {status: 'error', message: error.message, code: error.code}
  return {status: 'error', message: error instanceof Error ? error.message : String(error), code: null}
}

async function checkEnvToken(options: AuthStatusOptions): Promise<NonNullable<AuthStatus['envCheck']>> {
  let opened
  try {
    opened = options.opener
      ? await options.opener({name: options.name, env: options.env})
      : await openConnection({warn: () => undefined, ...options.open, name: options.name, env: options.env, config: options.config})
  } catch (error) {
    return {connection: null, principal: null, identity: null, ...describeFailure(error)}
  }
  try {
    const identity = await opened.provider.identity()
    return {connection: opened.connection.name, principal: opened.credentials[0]?.principal ?? null, identity: identity.displayName ?? identity.id, status: 'ok', message: null, code: null}
  } catch (error) {
    return {connection: opened.connection.name, principal: opened.credentials[0]?.principal ?? null, identity: null, ...describeFailure(error)}
  } finally {
    await opened.close()
  }
}
