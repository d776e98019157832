import type {Dispatcher} from 'undici'

import {basicHeader, buildCredential, staticCredential} from './auth/credentials.js'
import {parseSecret, secretAccount} from './auth/secret.js'
import {createSecretStoreResolver, toResolver, type SecretStoreResolver} from './auth/stores.js'
import type {SecretStore} from './auth/types.js'
import type {Clock} from './clock.js'
import {DEFAULT_CLOUD_API, type Connection} from './config/schema.js'
import type {ConfigStore} from './config/store.js'
import type {BbEnv} from './env.js'
import {AuthError, InterruptedError, UsageError} from './errors.js'
import {FileBudgetLedger} from './http/budget-ledger.js'
import {createHttpClient} from './http/client.js'
import type {HttpClient, HttpClientOptions, HttpCredential, HttpEvent} from './http/types.js'
import type {ProviderKind} from './model.js'
import {apiBaseUrl} from './provider/base-url.js'
import {createProvider} from './provider/index.js'
import type {Provider} from './provider/types.js'

export interface OpenConnectionOptions {
  /** Connection name; default BB_INTEGRATE_CONNECTION, then the default connection. */
  name?: string
  env: BbEnv
  /** Flags that, with BB_INTEGRATE_TOKEN, stand in for a configured connection. */
  provider?: ProviderKind
  url?: string
  dispatcher?: Dispatcher
  /** The dispatcher for a connection's CA file (the command context's, shared and closed by it); `dispatcher` wins. */
  dispatcherFor?: (caFile: string | undefined) => Dispatcher
  /** The raw environment the default dispatcher reads proxies from. */
  processEnv?: NodeJS.ProcessEnv
  /** BB_INTEGRATE_DEBUG=http: every (redacted) request event, printed by the caller. */
  debug?: (event: HttpEvent) => void
  onEvent?: (event: HttpEvent) => void
  waitDeadline?: number
  /** Checked before anything is read; requests take their own signals. */
  signal?: AbortSignal
  /** Tests: a MemoryStore (or a resolver per location). Default: keychain / opt-in file. */
  secretStore?: SecretStore | SecretStoreResolver
  config: ConfigStore
  /** Human warnings (plain secrets file, a credential whose secret is gone): the caller shows them. */
  warn: (message: string) => void
  clock?: Clock
  /** Extra client options (timeouts, retry policy) — tests and `validate`. */
  http?: Partial<Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'limiter' | 'random' | 'userAgent' | 'sharedBudget'>>
}

/**
 * What a caller that owns the wiring (config, secret stores, dispatcher) hands a service: open a
 * connection by name with the rest already applied. `env` may be narrowed (e.g. without the env token).
 */
export type ConnectionOpener = (options?: ConnectOptions) => Promise<OpenedConnection>
export type ConnectOptions = Omit<OpenConnectionOptions, 'env' | 'config' | 'dispatcher' | 'dispatcherFor' | 'processEnv' | 'clock' | 'debug' | 'warn'> & {
  env?: BbEnv
  /** Default: the caller's (the context's stderr). */
  warn?: (message: string) => void
}

export interface OpenedConnection {
  connection: Connection
  credentials: HttpCredential[]
  client: HttpClient
  provider: Provider
  /** "env" when BB_INTEGRATE_TOKEN replaced the stored credentials. */
  source: 'config' | 'env'
  close(): Promise<void>
}

/**
 * Config + secrets + environment → credentials → HTTP client → provider. BB_INTEGRATE_TOKEN overrides
 * the stored credentials (CI), and with a provider/URL from flags or env it needs no config at all.
 */
export async function openConnection(options: OpenConnectionOptions): Promise<OpenedConnection> {
  const {env} = options
  if (options.signal?.aborted) throw new InterruptedError('Cancelled before the connection was opened', {code: 'cancelled'})
  const {config} = options
  const {warn} = options
  const name = options.name ?? env.connection ?? config.defaultConnectionName()
  const stored = name ? config.getConnection(name) : undefined
  const now = options.clock ? () => options.clock!.now() : Date.now

  let connection: Connection
  let credentials: HttpCredential[]
  let source: OpenedConnection['source']
  if (env.token) {
    connection = stored ?? envConnection(name ?? 'default', options)
    credentials = [envCredential(connection, env)]
    source = 'env'
  } else {
    if (!stored) throw noConnection(name, config)
    connection = stored
    const resolve = options.secretStore
      ? toResolver(options.secretStore)
      : createSecretStoreResolver({configDir: config.dir, warn, keychainTimeoutMs: env.keychainTimeoutMs})
    credentials = await storedCredentials(connection, {resolve, config, warn, now, dispatcher: options.dispatcher ?? options.dispatcherFor?.(connection.caFile)})
    source = 'config'
  }

  // BB_INTEGRATE_RATE_LIMIT overrides the budget for this run only (a scaled Cloud plan, a DC admin setting).
  if (env.rateLimitPerHour) connection = {...connection, rateLimitPerHour: env.rateLimitPerHour}
  const dispatcher = options.dispatcher ?? options.dispatcherFor?.(connection.caFile)

  const client = createHttpClient({
    baseUrl: apiBaseUrl(connection),
    credentials,
    provider: connection.provider,
    dispatcher,
    caFile: connection.caFile,
    ...(options.processEnv ? {env: options.processEnv} : {}),
    ...(options.debug ? {debug: options.debug} : {}),
    waitDeadline: options.waitDeadline,
    onEvent: options.onEvent,
    clock: options.clock,
    // What this principal spent in earlier runs still counts against its window (docs/rate-limits.md).
    budgetLedger: FileBudgetLedger.inDir(config.dir),
    ...(connection.rateLimitPerHour ? {limiter: {requestsPerWindow: connection.rateLimitPerHour, windowMs: 3_600_000}} : {}),
    ...options.http,
  })
  const provider = createProvider({kind: connection.provider, connection: connection.name, client})
  return {connection, credentials, client, provider, source, close: () => client.close()}
}

async function storedCredentials(
  connection: Connection,
  deps: {resolve: SecretStoreResolver; config: ConfigStore; warn: (m: string) => void; now: () => number; dispatcher?: Dispatcher},
): Promise<HttpCredential[]> {
  const credentials: HttpCredential[] = []
  const missing: string[] = []
  for (const meta of connection.credentials) {
    const store = deps.resolve(meta.store)
    const account = secretAccount(connection.name, meta.id)
    const raw = await store.get(account)
    if (raw === null) {
      missing.push(account)
      continue
    }
    credentials.push(
      buildCredential({
        connection,
        meta,
        secret: parseSecret(raw, account),
        store,
        dispatcher: deps.dispatcher,
        now: deps.now,
        onRefreshed: (update) => deps.config.updateCredential(connection.name, meta.id, {
          expiresAt: update.expiresAt,
          ...(update.scopes ? {scopes: update.scopes} : {}),
        }),
      }),
    )
  }
  if (credentials.length === 0) {
    throw new AuthError(`Connection "${connection.name}" has no usable credential${missing.length ? ` (secret missing for ${missing.join(', ')})` : ''}`, {
      code: 'no_credentials',
      remedy: `Run \`bb-integrate connect --name ${connection.name}\` again.`,
    })
  }
  for (const account of missing) {
    deps.warn(`Warning: the secret for ${account} is missing from its store; that credential is skipped (run \`bb-integrate connect --add\` to replace it).`)
  }
  return credentials
}

function envConnection(name: string, options: OpenConnectionOptions): Connection {
  const providerText = options.provider ?? options.env.provider
  const url = options.url ?? options.env.url
  let provider: ProviderKind
  if (providerText === 'cloud' || providerText === 'datacenter') provider = providerText
  else if (providerText) {
    throw new UsageError(`BB_INTEGRATE_PROVIDER must be "cloud" or "datacenter", not "${providerText}"`, {code: 'bad_provider'})
  } else if (url && new URL(url).hostname === 'api.bitbucket.org') provider = 'cloud'
  else {
    throw new UsageError('BB_INTEGRATE_TOKEN is set, but there is no connection to use it with', {
      code: 'no_connection',
      remedy: 'Also set BB_INTEGRATE_PROVIDER (cloud|datacenter) and, for Data Center, BB_INTEGRATE_URL — or run `bb-integrate connect`.',
    })
  }
  if (provider === 'datacenter' && !url) {
    throw new UsageError('BB_INTEGRATE_URL is required for a Data Center connection from the environment', {code: 'missing_url'})
  }
  return {
    name,
    provider,
    url: url ?? DEFAULT_CLOUD_API,
    credentials: [],
    selection: [],
    createdAt: new Date(0).toISOString(),
  }
}

/** BB_INTEGRATE_TOKEN (+ BB_INTEGRATE_EMAIL → Basic API token, else Bearer). Its identity is unknown until asked. */
function envCredential(connection: Connection, env: BbEnv): HttpCredential {
  const token = env.token as string
  const id = `${connection.name}/env`
  if (env.email) {
    return staticCredential({id, principal: `cloud-user:${env.email}`, header: basicHeader(env.email, token), secrets: [token]})
  }
  return staticCredential({id, principal: `token:${id}`, header: `Bearer ${token}`, secrets: [token]})
}

function noConnection(name: string | undefined, config: ConfigStore): UsageError {
  const names = config.listConnections().map((c) => c.name)
  if (name && names.length > 0) {
    return new UsageError(`No connection named "${name}" (have: ${names.join(', ')})`, {
      code: 'no_connection',
      remedy: `Pick one with --connection, or run \`bb-integrate connect --name ${name}\`.`,
    })
  }
  if (names.length > 1) {
    return new UsageError(`Several connections (${names.join(', ')}) and none is the default`, {
      code: 'no_connection',
      remedy: 'Pick one with --connection or BB_INTEGRATE_CONNECTION.',
    })
  }
  return new UsageError('No connection — run `bb-integrate connect`', {
    code: 'no_connection',
    remedy: 'Run `bb-integrate connect`, or set BB_INTEGRATE_TOKEN with BB_INTEGRATE_PROVIDER/BB_INTEGRATE_URL in CI.',
  })
}
