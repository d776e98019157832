import path from 'node:path'
import type {Dispatcher} from 'undici'

import type {Connection, CredentialKind, CredentialMeta, SecretLocation} from '../config/schema.js'
import type {ConfigStore} from '../config/store.js'
import {AuthError, BbError, HttpError, InterruptedError, isAbortError, NetworkError, UsageError} from '../errors.js'
import {createHttpClient} from '../http/client.js'
import {httpPreset} from '../http/presets.js'
import {redact} from '../http/redact.js'
import type {HttpClientOptions} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import {apiBaseUrl} from '../provider/base-url.js'
import {createProvider} from '../provider/index.js'
import type {Identity} from '../provider/types.js'
import {basicHeader, httpCredentialId, principalFor, staticCredential} from './credentials.js'
import type {BrowserOpener} from './oauth/browser.js'
import {runOAuthLogin} from './oauth/flow.js'
import {scopeAdvice, type ScopeAdvice} from './scopes.js'
import {secretAccount, secretValues, serializeSecret} from './secret.js'
import type {SecretStoreResolver} from './stores.js'
import type {StoredSecret} from './types.js'
import type {ConnectRequest} from './connect-request.js'
import {validateConnectRequest} from './validate-request.js'

export type {ConnectRequest} from './connect-request.js'

export interface ConnectDeps {
  config: ConfigStore
  secretStores: SecretStoreResolver
  openBrowser: BrowserOpener
  onAuthorizeUrl: (url: string) => void
  /** Progress lines for the human (stderr). */
  onStep?: (message: string) => void
  /** What the human must see even under --json (stderr): a forged OAuth callback that was ignored. */
  onWarning?: (message: string) => void
  dispatcher?: Dispatcher
  signal?: AbortSignal
  now?: () => number
  http?: Partial<Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'debug'>>
}

export interface ConnectResult {
  connection: string
  provider: ProviderKind
  url: string
  /** True with --add; false when the connection was created or its credentials replaced. */
  added: boolean
  /** Credentials this connect replaced (their secrets were deleted). */
  replaced: string[]
  credential: {
    id: string
    kind: CredentialKind
    store: SecretLocation
    principal: string
    identity: {id: string; displayName: string | null; accountId: string | null; kind: Identity['kind']}
    scopes: string[] | null
    expiresAt: string | null
  }
  leastPrivilege: ScopeAdvice
}

/**
 * Obtain a credential, prove it works against the API, and only then store it: the secret first, then
 * the config that points at it (an interrupted write leaves at worst an unreferenced secret, never a
 * config that names a missing one). Any failure before the commit writes nothing.
 */
export async function connect(request: ConnectRequest, deps: ConnectDeps): Promise<ConnectResult> {
  validateConnectRequest(request)
  const existing = deps.config.getConnection(request.name)
  if (request.add && !existing) {
    throw new UsageError(`--add needs an existing connection, and there is no connection named "${request.name}"`, {
      code: 'no_connection',
      remedy: 'Run `bb-integrate connect` without --add to create it.',
    })
  }
  if (request.add && existing && (existing.provider !== request.provider || trim(existing.url) !== trim(request.url))) {
    throw new UsageError(`Connection "${request.name}" is ${existing.provider} at ${existing.url}; --add must use the same provider and URL`, {
      code: 'connection_mismatch',
    })
  }
  const credentialId = nextCredentialId(existing)
  const httpId = httpCredentialId(request.name, credentialId)

  const secret = await obtainSecret(request, deps)
  checkAborted(deps.signal)
  deps.onStep?.(`Verifying the credential against ${request.url} …`)
  const identity = await verify(request, secret, httpId, deps)
  checkAborted(deps.signal)

  const location: SecretLocation = request.allowInsecureStore ? 'file' : 'keychain'
  const meta: CredentialMeta = {
    id: credentialId,
    kind: request.auth,
    store: location,
    principal: principalFor({kind: request.auth, provider: request.provider, identity, httpId, clientId: request.clientId}),
    ...(request.auth === 'api-token' ? {email: request.email} : {}),
    ...(request.auth === 'oauth' ? {clientId: request.clientId} : {}),
    ...(request.target ? {target: request.target} : {}),
    identity: {id: identity.id, displayName: identity.displayName, accountId: identity.accountId},
    scopes: identity.scopes ?? (secret.kind === 'oauth' ? (secret.scopes ?? null) : null),
    expiresAt: secret.kind === 'oauth' ? secret.expiresAt : null,
    createdAt: new Date((deps.now ?? Date.now)()).toISOString(),
  }
  const twin = request.add ? existing?.credentials.find((c) => c.principal === meta.principal) : undefined
  if (twin) {
    // Limits are per principal: a second credential of the same one adds no budget, only a secret to leak.
    throw new UsageError(`Connection "${request.name}" already has a credential for ${meta.principal} (${twin.id}); --add refused.`, {
      code: 'credential_exists',
      remedy: 'To replace it, run `bb-integrate connect` without --add; to add capacity, --add a credential of another account.',
    })
  }
  const replaced = request.add ? [] : (existing?.credentials ?? [])
  const connection: Connection = {
    name: request.name,
    provider: request.provider,
    url: trim(request.url),
    ...(request.provider === 'cloud' && request.oauthUrl ? {oauthUrl: trim(request.oauthUrl)} : {}),
    // Absolute: later commands may run from another directory.
    ...(request.caFile ? {caFile: path.resolve(request.caFile)} : existing?.caFile ? {caFile: existing.caFile} : {}),
    ...(existing?.rateLimitPerHour ? {rateLimitPerHour: existing.rateLimitPerHour} : {}),
    credentials: [...(request.add ? (existing?.credentials ?? []) : []), meta],
    selection: existing?.selection ?? [],
    createdAt: existing?.createdAt ?? meta.createdAt,
  }

  // Commit: secret, then config; undo the secret if the config cannot be written.
  const store = deps.secretStores(location)
  const account = secretAccount(request.name, credentialId)
  const {scopes: _scopes, ...toStore} = secret
  await store.set(account, serializeSecret(toStore as StoredSecret))
  try {
    deps.config.putConnection(connection)
  } catch (error) {
    await store.delete(account).catch(() => undefined)
    throw error
  }
  for (const old of replaced) {
    try {
      await deps.secretStores(old.store).delete(secretAccount(request.name, old.id))
    } catch {
      deps.onStep?.(`Warning: could not delete the replaced secret ${secretAccount(request.name, old.id)} from the ${old.store}; remove it by hand.`)
    }
  }

  return {
    connection: request.name,
    provider: request.provider,
    url: connection.url,
    added: request.add,
    replaced: replaced.map((c) => c.id),
    credential: {
      id: credentialId,
      kind: meta.kind,
      store: location,
      principal: meta.principal,
      identity: {...meta.identity, kind: identity.kind},
      scopes: meta.scopes,
      expiresAt: meta.expiresAt === null ? null : new Date(meta.expiresAt).toISOString(),
    },
    leastPrivilege: scopeAdvice(request.provider, request.auth),
  }
}

type ObtainedSecret = StoredSecret & {scopes?: string[] | null}

async function obtainSecret(request: ConnectRequest, deps: ConnectDeps): Promise<ObtainedSecret> {
  if (request.auth !== 'oauth') return {kind: request.auth, token: request.token as string}
  deps.onStep?.(`Waiting for the browser login (callback http://127.0.0.1:${request.callbackPort ?? 8976}/callback) …`)
  const tokens = await runOAuthLogin({
    provider: request.provider,
    url: request.url,
    oauthUrl: request.oauthUrl,
    clientId: request.clientId as string,
    clientSecret: request.clientSecret as string,
    callbackPort: request.callbackPort,
    scopes: request.provider === 'datacenter' ? (request.oauthScopes ?? ['REPO_READ']) : undefined,
    timeoutMs: request.oauthTimeoutMs,
    signal: deps.signal,
    openBrowser: deps.openBrowser,
    onAuthorizeUrl: deps.onAuthorizeUrl,
    onIgnoredCallback: deps.onWarning ?? deps.onStep,
    dispatcher: deps.dispatcher,
    caFile: request.caFile,
    now: deps.now,
  })
  return {
    kind: 'oauth',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    clientSecret: request.clientSecret as string,
    scopes: tokens.scopes,
  }
}

async function verify(request: ConnectRequest, secret: ObtainedSecret, httpId: string, deps: ConnectDeps): Promise<Identity> {
  const header =
    secret.kind === 'api-token'
      ? basicHeader(request.email ?? '', secret.token)
      : `Bearer ${secret.kind === 'oauth' ? secret.accessToken : secret.token}`
  const secrets = secretValues(secret as StoredSecret)
  const credential = staticCredential({id: httpId, principal: `verify:${httpId}`, header, secrets})
  const client = createHttpClient({
    baseUrl: apiBaseUrl(request),
    credentials: [credential],
    provider: request.provider,
    dispatcher: deps.dispatcher,
    caFile: request.caFile,
    // A person is waiting: fail an unreachable host in seconds, not after the sync's retry budget.
    ...httpPreset('interactive'),
    ...deps.http,
  })
  try {
    const provider = createProvider({kind: request.provider, connection: request.name, client})
    return await provider.identity({signal: deps.signal, ...(request.target ? {target: request.target} : {})})
  } catch (error) {
    throw explainVerifyFailure(error, request, secrets)
  } finally {
    await client.close()
  }
}

/** Add what the user needs to know on top of the provider's error, never the secret itself. */
function explainVerifyFailure(error: unknown, request: ConnectRequest, secrets: string[]): unknown {
  if (isAbortError(error)) return new InterruptedError('Connect cancelled; nothing was stored', {code: 'cancelled'})
  if (error instanceof AuthError) {
    if (request.provider === 'cloud' && request.auth === 'access-token' && !request.target) {
      return new AuthError(`${error.message.replace(/\.+$/, '')}; nothing was stored`, {
        code: error.code,
        details: error.details,
        cause: error,
        remedy:
          'Repository and project access tokens cannot read /user (they never have the `account` scope): ' +
          'pass --token-target WORKSPACE/REPO (or WORKSPACE for a workspace token) naming what the token belongs to.',
      })
    }
    const required = asList(error.details?.missing) ?? asList(error.details?.required)
    if (error.code === 'missing_scope' || required) {
      const advice = scopeAdvice(request.provider, request.auth)
      const granted = asList(error.details?.granted)
      const named = required && !required.every((s) => error.message.includes(s))
        ? ` (missing: ${required.join(' ')}${granted ? `; granted: ${granted.join(' ') || 'none'}` : ''})`
        : ''
      return new AuthError(`${error.message.replace(/\.$/, '')}${named}; nothing was stored`, {
        code: error.code,
        details: error.details,
        cause: error,
        remedy: error.remedy ?? `Create a credential with at least: ${advice.sync.join(' ')}`,
      })
    }
    if (request.auth === 'api-token') {
      return new AuthError(`${error.message.replace(/\.+$/, '')}; nothing was stored`, {
        code: error.code,
        details: error.details,
        cause: error,
        remedy:
          `API tokens are sent with your Atlassian account e-mail (you gave ${request.email}), not the Bitbucket username; ` +
          'check the e-mail and that the token is an "API token with scopes" for Bitbucket that is not expired or revoked.',
      })
    }
    return new AuthError(`${error.message.replace(/\.+$/, '')}; nothing was stored`, {
      code: error.code,
      details: error.details,
      cause: error,
      remedy: error.remedy ?? 'The credential is invalid, expired or revoked: create a new one and run `connect` again.',
    })
  }
  if (error instanceof NetworkError) {
    return new NetworkError(`${redact(error.message, secrets)}; nothing was stored`, {
      code: error.code,
      cause: error,
      details: error.details,
      remedy:
        error.remedy ??
        `Check --url (${request.url}), your network and proxy (HTTPS_PROXY/NO_PROXY); for a server with a private CA pass --ca-file <pem>.`,
    })
  }
  if (error instanceof HttpError && error.status === 404) {
    // Nothing Bitbucket-shaped at that address: almost always --url pointing one level off.
    const api = request.provider === 'cloud' ? 'the Bitbucket Cloud API (e.g. https://api.bitbucket.org/2.0)' : 'a Bitbucket Data Center server (e.g. https://bitbucket.example.com)'
    const better = betterUrl(request)
    return new UsageError(`--url ${request.url} is not ${api}: it answered 404 Not Found; nothing was stored`, {
      code: 'bad_url',
      cause: error,
      details: {url: request.url, ...(better ? {suggestion: better} : {})},
      remedy: better
        ? `Did you mean --url ${better}?`
        : request.provider === 'cloud'
          ? 'Pass the API base (ending in /2.0), not the website.'
          : 'Pass the server\'s base URL (with its context path, if any), without /rest/….',
    })
  }
  if (error instanceof BbError) return error
  return new BbError(`Could not verify the credential: ${redact(error instanceof Error ? error.message : String(error), secrets)}`, {cause: error})
}

/** The URL the user most likely meant, when --url is recognisably one level off. */
function betterUrl(request: ConnectRequest): string | undefined {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return undefined
  }
  const path = url.pathname.replace(/\/+$/, '')
  if (request.provider === 'datacenter') {
    const at = path.search(/\/rest(\/|$)/)
    return at >= 0 ? `${url.origin}${path.slice(0, at)}` : undefined
  }
  if (url.hostname === 'bitbucket.org' || url.hostname === 'www.bitbucket.org') return 'https://api.bitbucket.org/2.0'
  return /\/2\.0$/.test(path) ? undefined : `${url.origin}${path}/2.0`
}

function asList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined
}


function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new InterruptedError('Connect cancelled; nothing was stored', {code: 'cancelled'})
}

function nextCredentialId(existing: Connection | undefined): string {
  const ids = (existing?.credentials ?? []).map((c) => Number(c.id)).filter((n) => Number.isInteger(n))
  return String(Math.max(0, ...ids) + 1)
}

function trim(url: string): string {
  return url.replace(/\/+$/, '')
}
