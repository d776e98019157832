/**
 * The credential registry of one emulator: tokens created through the admin API, OAuth consumers and the
 * codes/access/refresh tokens they issue. Flavour-neutral: Cloud and Data Center decide how a request
 * presents a secret (Basic e-mail:token, Bearer, …); this file only knows which secrets exist, whom they
 * act for, what they may do and whether they still work.
 */
import {createHash, randomBytes} from 'node:crypto'

export type CredentialKind = 'api-token' | 'access-token' | 'oauth-consumer' | 'pat' | 'password'

export interface CredentialSpec {
  kind: CredentialKind
  /** World user key (uuid) the credential acts for; access tokens act for nobody. */
  user?: string | null
  /** Login for Basic auth: the Atlassian e-mail for Cloud API tokens, the username for DC. */
  login?: string | null
  scopes?: string[]
  /** Resource an access token is bound to: "workspace", "workspace/repo", DC "PROJECT" or "PROJECT/repo". */
  boundTo?: string | null
  /** Epoch ms; null = never. */
  expiresAt?: number | null
  /** OAuth consumers: the single registered callback URL (redirect_uri must start with it). */
  callbackUrl?: string | null
  /** OAuth consumers: the user who will answer the consent page "deny". */
  deny?: boolean
  name?: string
  /** Use this secret instead of a random one (DC passwords, reproducible demos). */
  secret?: string
}

export interface Credential {
  id: string
  kind: CredentialKind
  name: string
  user: string | null
  login: string | null
  /** The token/password; for OAuth consumers the consumer secret. */
  secret: string
  /** OAuth consumers: the public client id ("key"). */
  key: string | null
  scopes: string[]
  boundTo: string | null
  expiresAt: number | null
  revokedAt: number | null
  createdAt: number
  callbackUrl: string | null
  deny: boolean
}

export type Validity = 'ok' | 'expired' | 'revoked'

/** An OAuth access or refresh token issued to a consumer on behalf of a user. */
export interface OAuthToken {
  token: string
  type: 'access' | 'refresh'
  consumerId: string
  user: string
  scopes: string[]
  expiresAt: number | null
  /** Refresh tokens: set when a newer one replaced it; it keeps working for the grace period. */
  rotatedAt: number | null
  revokedAt: number | null
}

interface OAuthCode {
  code: string
  consumerId: string
  user: string
  scopes: string[]
  redirectUri: string | null
  challenge: string | null
  challengeMethod: string | null
  expiresAt: number
  used: boolean
}

export interface TokenResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  refresh_token: string
  scope: string
  /** Cloud also says which grant produced the token. */
  state?: string
}

export interface OAuthError {
  error: string
  error_description: string
}

const PREFIX: Record<CredentialKind, string> = {
  'api-token': 'ATATT3x',
  'access-token': 'ATCTT3x',
  'oauth-consumer': '',
  pat: 'BBDC-',
  password: '',
}

function token(bytes = 24): string {
  return randomBytes(bytes).toString('base64url')
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

export class CredentialRegistry {
  private readonly byId = new Map<string, Credential>()
  private readonly bySecretMap = new Map<string, Credential>()
  private readonly byKey = new Map<string, Credential>()
  private readonly oauthTokens = new Map<string, OAuthToken>()
  private readonly codes = new Map<string, OAuthCode>()
  private seq = 0

  /**
   * @param now epoch-ms clock (the server's, so tests can move time forward)
   * @param refreshGraceMs how long a rotated refresh token keeps working (Cloud: "expires shortly after")
   */
  constructor(private readonly now: () => number, public refreshGraceMs = 60_000) {}

  create(spec: CredentialSpec): Credential {
    this.seq += 1
    const id = `cred-${this.seq}`
    const consumer = spec.kind === 'oauth-consumer'
    const credential: Credential = {
      id,
      kind: spec.kind,
      name: spec.name ?? `${spec.kind} ${this.seq}`,
      user: spec.kind === 'access-token' ? null : spec.user ?? null,
      login: spec.login ?? null,
      secret: spec.secret ?? PREFIX[spec.kind] + token(consumer ? 24 : 36),
      key: consumer ? token(12) : null,
      scopes: [...(spec.scopes ?? [])],
      boundTo: spec.boundTo ?? null,
      expiresAt: spec.expiresAt ?? null,
      revokedAt: null,
      createdAt: this.now(),
      callbackUrl: spec.callbackUrl ?? null,
      deny: spec.deny ?? false,
    }
    this.byId.set(id, credential)
    if (credential.key) this.byKey.set(credential.key, credential)
    else this.bySecretMap.set(credential.secret, credential)
    return credential
  }

  get(id: string): Credential | undefined {
    return this.byId.get(id)
  }

  list(): Credential[] {
    return [...this.byId.values()]
  }

  /** Revoking a consumer also kills every token it issued, as deleting a consumer does on Cloud. */
  revoke(id: string): boolean {
    const credential = this.byId.get(id)
    if (!credential) return false
    const at = this.now()
    credential.revokedAt ??= at
    if (credential.kind === 'oauth-consumer') {
      for (const t of this.oauthTokens.values()) if (t.consumerId === id) t.revokedAt ??= at
    }
    return true
  }

  validity(credential: Credential): Validity {
    if (credential.revokedAt !== null) return 'revoked'
    if (credential.expiresAt !== null && credential.expiresAt <= this.now()) return 'expired'
    return 'ok'
  }

  /** A token/password credential by its secret (Basic password or Bearer token). Not OAuth tokens. */
  bySecret(secret: string): Credential | undefined {
    return this.bySecretMap.get(secret)
  }

  /** An OAuth access token by its value, with the consumer that issued it. */
  oauthAccess(tokenValue: string): {token: OAuthToken; consumer: Credential; validity: Validity} | undefined {
    const t = this.oauthTokens.get(tokenValue)
    if (!t || t.type !== 'access') return undefined
    const consumer = this.byId.get(t.consumerId)
    if (!consumer) return undefined
    return {token: t, consumer, validity: this.tokenValidity(t, consumer)}
  }

  consumer(key: string): Credential | undefined {
    return this.byKey.get(key)
  }

  /** Client authentication at the token endpoint: key and secret must both match a live consumer. */
  authenticateClient(key: string, secret: string): Credential | undefined {
    const c = this.byKey.get(key)
    return c && c.secret === secret && this.validity(c) === 'ok' ? c : undefined
  }

  issueCode(input: {consumer: Credential; user: string; scopes?: string[]; redirectUri: string | null; challenge: string | null; challengeMethod: string | null}): string {
    const code = token(18)
    this.codes.set(code, {
      code,
      consumerId: input.consumer.id,
      user: input.user,
      scopes: input.scopes ?? input.consumer.scopes,
      redirectUri: input.redirectUri,
      challenge: input.challenge,
      challengeMethod: input.challengeMethod,
      // Authorization codes are short-lived everywhere; 10 minutes is the RFC 6749 recommendation.
      expiresAt: this.now() + 600_000,
      used: false,
    })
    return code
  }

  /** grant_type=authorization_code: single use, same redirect_uri, PKCE verifier when a challenge was sent. */
  redeemCode(input: {consumer: Credential; code: string; redirectUri: string | null; verifier: string | null; ttlSec: number}): TokenResponse | OAuthError {
    const entry = this.codes.get(input.code)
    const invalid = (description: string): OAuthError => ({error: 'invalid_grant', error_description: description})
    if (!entry || entry.consumerId !== input.consumer.id) return invalid('The authorization code is invalid.')
    // Single use. (RFC 6749 also suggests revoking what a replayed code issued; Cloud does not document it.)
    if (entry.used) return invalid('The authorization code has already been used.')
    if (entry.expiresAt <= this.now()) return invalid('The authorization code has expired.')
    if (entry.redirectUri !== null && entry.redirectUri !== input.redirectUri) return invalid('The redirect_uri does not match the one used for authorization.')
    if (entry.challenge !== null) {
      if (!input.verifier) return invalid('code_verifier is required.')
      const computed = entry.challengeMethod === 'plain' ? input.verifier : pkceChallenge(input.verifier)
      if (computed !== entry.challenge) return invalid('The code_verifier does not match the code_challenge.')
    }
    entry.used = true
    return this.issueTokens(input.consumer, entry.user, entry.scopes, input.ttlSec)
  }

  /** grant_type=refresh_token: rotates; the old refresh token dies after the grace period. */
  refresh(input: {consumer: Credential; refreshToken: string; ttlSec: number}): TokenResponse | OAuthError {
    const t = this.oauthTokens.get(input.refreshToken)
    if (!t || t.type !== 'refresh' || t.consumerId !== input.consumer.id || this.tokenValidity(t, input.consumer) !== 'ok') {
      return {error: 'invalid_grant', error_description: 'Invalid refresh_token'}
    }
    t.rotatedAt ??= this.now()
    return this.issueTokens(input.consumer, t.user, t.scopes, input.ttlSec)
  }

  /** Tokens issued to a consumer (for tests inspecting rotation). */
  tokensOf(consumerId: string): OAuthToken[] {
    return [...this.oauthTokens.values()].filter((t) => t.consumerId === consumerId)
  }

  private issueTokens(consumer: Credential, user: string, scopes: string[], ttlSec: number): TokenResponse {
    const now = this.now()
    const access: OAuthToken = {token: token(48), type: 'access', consumerId: consumer.id, user, scopes, expiresAt: now + ttlSec * 1000, rotatedAt: null, revokedAt: null}
    // Unused refresh tokens expire after three months (Cloud, 2026-05 change).
    const refresh: OAuthToken = {token: token(24), type: 'refresh', consumerId: consumer.id, user, scopes, expiresAt: now + 90 * 86_400_000, rotatedAt: null, revokedAt: null}
    this.oauthTokens.set(access.token, access)
    this.oauthTokens.set(refresh.token, refresh)
    return {access_token: access.token, token_type: 'bearer', expires_in: ttlSec, refresh_token: refresh.token, scope: scopes.join(' ')}
  }

  private tokenValidity(t: OAuthToken, consumer: Credential): Validity {
    if (t.revokedAt !== null || this.validity(consumer) === 'revoked') return 'revoked'
    const now = this.now()
    if (t.expiresAt !== null && t.expiresAt <= now) return 'expired'
    if (t.rotatedAt !== null && t.rotatedAt + this.refreshGraceMs <= now) return 'expired'
    return 'ok'
  }
}
