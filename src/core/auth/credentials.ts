import type {Dispatcher} from 'undici'

import {AuthError} from '../errors.js'
import type {Connection, CredentialKind, CredentialMeta} from '../config/schema.js'
import type {HttpCredential} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import type {Identity} from '../provider/types.js'
import {oauthEndpoints} from './oauth/endpoints.js'
import {InvalidGrantError, refreshTokens} from './oauth/token.js'
import {parseSecret, secretAccount, secretValues, serializeSecret} from './secret.js'
import type {SecretStore, StoredSecret} from './types.js'

type OAuthSecret = Extract<StoredSecret, {kind: 'oauth'}>

/** Refresh this long before the recorded expiry, so a request never leaves with a token about to die. */
export const REFRESH_SKEW_MS = 60_000

/** The HttpCredential id: unique across connections, never the secret. */
export function httpCredentialId(connection: string, credentialId: string): string {
  return `${connection}/${credentialId}`
}

/**
 * The rate-limit budget key. Cloud counts per user for API tokens (two tokens of one user share it),
 * per OAuth consumer, and per access token; Data Center per user.
 */
export function principalFor(input: {
  kind: CredentialKind
  provider: ProviderKind
  identity: Pick<Identity, 'id' | 'kind'>
  httpId: string
  clientId?: string
}): string {
  switch (input.kind) {
    case 'api-token':
      return `cloud-user:${input.identity.id}`
    case 'oauth':
      return `oauth-consumer:${input.clientId ?? input.identity.id}`
    case 'pat':
      return input.identity.kind === 'user' ? `dc-user:${input.identity.id}` : `token:${input.httpId}`
    case 'access-token':
      return `token:${input.httpId}`
  }
}

export function basicHeader(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64')
}

/** A credential whose header never changes (API token, access token, PAT, BB_INTEGRATE_TOKEN). */
export function staticCredential(input: {id: string; principal: string; header: string; secrets: string[]}): HttpCredential {
  return {
    id: input.id,
    principal: input.principal,
    authorization: async () => input.header,
    secrets: () => [...input.secrets, input.header],
  }
}

export interface BuildCredentialOptions {
  connection: Pick<Connection, 'name' | 'provider' | 'url' | 'oauthUrl' | 'caFile'>
  meta: CredentialMeta
  secret: StoredSecret
  /** Where the secret lives: OAuth refreshes write the rotated tokens back here. */
  store: SecretStore
  dispatcher?: Dispatcher
  now?: () => number
  /** Non-secret follow-up after a refresh (new expiry, scopes) — e.g. update config metadata. */
  onRefreshed?: (update: {expiresAt: number | null; scopes: string[] | null}) => void
}

export function buildCredential(options: BuildCredentialOptions): HttpCredential {
  const {meta, secret, connection} = options
  const id = httpCredentialId(connection.name, meta.id)
  if (secret.kind !== meta.kind) {
    throw new AuthError(`The stored secret for ${id} is a ${secret.kind}, but the config says ${meta.kind}`, {
      code: 'secret_mismatch',
      remedy: 'Run `bb-integrate connect` again.',
    })
  }
  switch (secret.kind) {
    case 'api-token':
      return staticCredential({id, principal: meta.principal, header: basicHeader(meta.email ?? '', secret.token), secrets: secretValues(secret)})
    case 'access-token':
    case 'pat':
      return staticCredential({id, principal: meta.principal, header: `Bearer ${secret.token}`, secrets: secretValues(secret)})
    case 'oauth':
      return new OAuthCredential(id, secret, options)
  }
}

/**
 * An OAuth credential that refreshes before expiry and after a 401. Refresh tokens rotate: each refresh
 * returns a new one and the old one dies shortly after. So the new pair is written to the secret store
 * (one atomic entry: access + refresh + expiry) *before* the new access token is used; until that write
 * returns, the stored refresh token is the one we just spent, which the server still honours for a short
 * grace period. A crash therefore leaves either the old pair (still refreshable) or the new pair.
 */
class OAuthCredential implements HttpCredential {
  readonly id: string
  readonly principal: string
  private state: OAuthSecret
  private inflight: Promise<boolean> | null = null
  /** Every token value this credential has held: an old one may still sit in an error message. */
  private readonly seen = new Set<string>()

  constructor(id: string, secret: OAuthSecret, private readonly options: BuildCredentialOptions) {
    this.id = id
    this.principal = options.meta.principal
    this.state = secret
    this.remember(secret)
  }

  async authorization(): Promise<string> {
    const now = (this.options.now ?? Date.now)()
    if (this.state.refreshToken && this.state.expiresAt !== null && now >= this.state.expiresAt - REFRESH_SKEW_MS) {
      await this.refresh()
    }
    return `Bearer ${this.state.accessToken}`
  }

  refresh(): Promise<boolean> {
    if (!this.state.refreshToken) return Promise.resolve(false)
    // Single flight: concurrent requests that all got a 401 share one refresh (a second would spend the
    // refresh token the first just rotated away).
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = null
    })
    return this.inflight
  }

  secrets(): string[] {
    return [...this.seen]
  }

  private async doRefresh(): Promise<boolean> {
    const {connection, meta, store} = this.options
    const account = secretAccount(connection.name, meta.id)
    const spent = this.state.refreshToken as string
    let tokens
    try {
      tokens = await refreshTokens(spent, {
        endpoints: oauthEndpoints(connection.provider, connection),
        client: {clientId: meta.clientId ?? '', clientSecret: this.state.clientSecret},
        dispatcher: this.options.dispatcher,
        caFile: connection.caFile,
        now: this.options.now,
      })
    } catch (error) {
      // Another process (a parallel sync) may have rotated the token first: adopt what it stored.
      if (error instanceof InvalidGrantError) {
        const raw = await store.get(account)
        const stored = raw ? parseSecret(raw, account) : null
        if (stored?.kind === 'oauth' && stored.refreshToken && stored.refreshToken !== spent) {
          this.state = stored
          this.remember(stored)
          return true
        }
      }
      throw error
    }
    const next: OAuthSecret = {
      kind: 'oauth',
      accessToken: tokens.accessToken,
      // A server that does not rotate keeps the old refresh token valid.
      refreshToken: tokens.refreshToken ?? spent,
      expiresAt: tokens.expiresAt,
      clientSecret: this.state.clientSecret,
    }
    this.remember(next)
    await store.set(account, serializeSecret(next))
    this.state = next
    try {
      this.options.onRefreshed?.({expiresAt: next.expiresAt, scopes: tokens.scopes})
    } catch {
      // Metadata only (shown by `auth status`); the secret store already holds the truth.
    }
    return true
  }

  private remember(secret: OAuthSecret): void {
    for (const value of secretValues(secret)) this.seen.add(value)
  }
}
