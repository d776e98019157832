import type {Dispatcher} from 'undici'

import {httpCredentialId} from '../auth/credentials.js'
import {parseSecret, secretAccount} from '../auth/secret.js'
import {createSecretStoreResolver, toResolver, type SecretStoreResolver} from '../auth/stores.js'
import type {SecretStore} from '../auth/types.js'
import type {Connection} from '../config/schema.js'
import type {ConfigStore} from '../config/store.js'
import {openConnection, type ConnectionOpener, type OpenedConnection} from '../connection.js'
import type {BbEnv} from '../env.js'
import {UsageError} from '../errors.js'
import {httpPreset, type HttpPreset} from '../http/presets.js'
import {createWebhookApi} from '../provider/webhook-api.js'
import {webhookContext} from '../webhooks/context.js'
import {probeReachability} from './net.js'
import {runValidation} from './run.js'
import type {ValidateCredential, ValidateDeps, ValidateReport} from './types.js'

export interface ValidateOptions {
  env: BbEnv
  name?: string
  strict?: boolean
  /** Per check (and the budget of one request with its retries). Default 8 s. */
  timeoutMs?: number
  config: ConfigStore
  secretStore?: SecretStore | SecretStoreResolver
  dispatcher?: Dispatcher
  /** The command's environment: proxies and NODE_EXTRA_CA_CERTS for the reachability probe, PATH and HOME for git. */
  processEnv: NodeJS.ProcessEnv
  /** Opens the connection with the caller's wiring (the command context); config and secret stores should be the same. */
  open?: ConnectionOpener
  signal?: AbortSignal
  now?: () => number
}

/** Validate must answer in seconds: the `validate` request preset (one quick retry, no waiting out a limit). */
export function validateHttpOptions(timeoutMs: number): HttpPreset {
  return httpPreset('validate', {checkTimeoutMs: timeoutMs})
}

function toValidateCredentials(opened: OpenedConnection, env: BbEnv): ValidateCredential[] {
  if (opened.source === 'env') {
    return opened.credentials.map((c) => ({
      httpId: c.id,
      kind: env.email ? 'api-token' : opened.connection.provider === 'cloud' ? 'access-token' : 'pat',
      meta: null,
      email: env.email ?? null,
      principal: c.principal,
    }))
  }
  const byId = new Map(opened.credentials.map((c) => [c.id, c]))
  return opened.connection.credentials.map((meta) => {
    const httpId = httpCredentialId(opened.connection.name, meta.id)
    const live = byId.get(httpId)
    return {
      httpId,
      kind: meta.kind,
      meta,
      email: meta.email ?? null,
      principal: live?.principal ?? meta.principal,
      ...(live ? {} : {unavailable: `its secret is missing from the ${meta.store === 'keychain' ? 'OS keychain' : 'secrets file'}`}),
    }
  })
}

export async function validateConnection(options: ValidateOptions): Promise<ValidateReport> {
  const now = options.now ?? Date.now
  const timeoutMs = options.timeoutMs ?? 8000
  // A locked keychain must not hold validate for the default 10 s.
  const env: BbEnv = {...options.env, keychainTimeoutMs: options.env.keychainTimeoutMs ?? Math.min(3000, timeoutMs)}
  const {config} = options
  const resolve = options.secretStore
    ? toResolver(options.secretStore)
    : createSecretStoreResolver({configDir: config.dir, warn: () => undefined, keychainTimeoutMs: env.keychainTimeoutMs})

  let opened: OpenedConnection | null = null
  let openError: unknown
  let stored: Connection | undefined
  const name = options.name ?? env.connection
  try {
    const resolved = name ?? config.defaultConnectionName()
    stored = resolved ? config.getConnection(resolved) : undefined
  } catch (err) {
    // An unreadable config file: the config row reports it.
    openError = err
  }
  if (!openError) {
    try {
      const request = {
        name, env, secretStore: resolve, signal: options.signal,
        warn: () => undefined, http: validateHttpOptions(timeoutMs), waitDeadline: now() + Math.min(2000, timeoutMs / 2),
      }
      opened = await (options.open ? options.open(request) : openConnection({...request, config, dispatcher: options.dispatcher}))
    } catch (err) {
      // "No connection" is the config row's finding; anything else (keychain, bad secret) is reported with it.
      if (!(err instanceof UsageError && err.code === 'no_connection')) openError = err
    }
  }
  const connection = opened?.connection ?? stored ?? null
  const deps: ValidateDeps = {
    connectionName: connection?.name ?? name ?? 'default',
    connection: connection ? {provider: connection.provider, url: connection.url, caFile: connection.caFile, selection: connection.selection, credentials: connection.credentials} : null,
    openError: opened ? undefined : openError,
    provider: opened?.provider ?? null,
    client: opened?.client ?? null,
    credentials: opened ? toValidateCredentials(opened, env) : [],
    usingEnvToken: opened?.source === 'env' || Boolean(env.token),
    readSecret: async (meta) => {
      if (!connection) return null
      const account = secretAccount(connection.name, meta.id)
      const raw = await resolve(meta.store).get(account)
      return raw === null ? null : parseSecret(raw, account)
    },
    features: {webhooks: Boolean(connection?.webhooks)},
    webhooks: opened ? webhookContext({
      connection: opened.connection, api: createWebhookApi({kind: opened.connection.provider, client: opened.client}),
      provider: opened.provider, secretStores: resolve, config: null, signal: options.signal,
    }) : null,
    reach: (url, reachOptions) => probeReachability(url, {...reachOptions, env: options.processEnv}),
    ...(opened ? {git: gitProbe(opened, options.processEnv)} : {}),
    now,
    checkTimeoutMs: timeoutMs,
  }
  // With no openable connection the credential rows skip, but the keychain row still says whether it answers.
  if (!opened && connection) {
    deps.credentials = connection.credentials.map((meta) => ({
      httpId: httpCredentialId(connection.name, meta.id), kind: meta.kind, meta, email: meta.email ?? null, principal: meta.principal,
    }))
  }
  try {
    return await runValidation(deps, {strict: options.strict, signal: options.signal})
  } finally {
    await opened?.close().catch(() => undefined)
  }
}

/** The validate `git` row's probes: the installed version, and `git ls-remote` of one repository. */
function gitProbe(opened: OpenedConnection, env: NodeJS.ProcessEnv): NonNullable<ValidateDeps['git']> {
  return {
    version: async () => (await import('../git/exec.js')).gitVersion(env),
    async tryFetch(repo, signal) {
      const [{fetchCloneUrl}, {checkCloneUrl, tryLsRemote}, {gitAuthorization}] = await Promise.all([
        import('../git/clone-url.js'), import('../git/mirror.js'), import('../git/auth.js'),
      ])
      const credential = opened.credentials[0]
      if (!credential) throw new Error('the connection has no credential')
      const href = await fetchCloneUrl(opened.client, opened.connection.provider, repo, signal)
      if (!href) throw new Error('the API gives no https clone link')
      const url = checkCloneUrl(href, opened.connection.url)
      await tryLsRemote(url, gitAuthorization(opened.connection.provider, await credential.authorization()), env, signal)
    },
  }
}
