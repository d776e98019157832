import {request, type Dispatcher} from 'undici'

import {AuthError, NetworkError} from '../../errors.js'
import {createDefaultDispatcher} from '../../http/dispatcher.js'
import type {OAuthEndpoints} from './endpoints.js'

export interface OAuthClient {
  clientId: string
  clientSecret: string
}

/** What a token endpoint gave us, normalised. */
export interface OAuthTokens {
  accessToken: string
  refreshToken: string | null
  /** epoch ms, or null when the server did not say. */
  expiresAt: number | null
  /** Granted scopes (Cloud `scope`, formerly `scopes`), or null. */
  scopes: string[] | null
}

export interface TokenRequestOptions {
  endpoints: OAuthEndpoints
  client: OAuthClient
  dispatcher?: Dispatcher
  caFile?: string
  now?: () => number
  signal?: AbortSignal
  timeoutMs?: number
}

export function exchangeCode(
  code: string,
  params: {redirectUri: string; codeVerifier: string},
  options: TokenRequestOptions,
): Promise<OAuthTokens> {
  return tokenRequest(
    {grant_type: 'authorization_code', code, redirect_uri: params.redirectUri, code_verifier: params.codeVerifier},
    options,
  )
}

export function refreshTokens(refreshToken: string, options: TokenRequestOptions): Promise<OAuthTokens> {
  return tokenRequest({grant_type: 'refresh_token', refresh_token: refreshToken}, options)
}

/** The token endpoint answered "this grant is dead" (refresh token rotated away, revoked, or code reused). */
export class InvalidGrantError extends AuthError {}

async function tokenRequest(form: Record<string, string>, options: TokenRequestOptions): Promise<OAuthTokens> {
  const {endpoints, client} = options
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  const body = new URLSearchParams(form)
  if (endpoints.clientAuth === 'basic') {
    headers.authorization = 'Basic ' + Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')
  } else {
    body.set('client_id', client.clientId)
    body.set('client_secret', client.clientSecret)
  }
  const dispatcher = options.dispatcher ?? defaultDispatcher(options.caFile)
  let status: number
  let text: string
  try {
    const response = await request(endpoints.token, {
      method: 'POST',
      headers,
      body: body.toString(),
      dispatcher,
      signal: options.signal,
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    })
    status = response.statusCode
    text = await response.body.text()
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new NetworkError(`Could not reach the OAuth token endpoint ${endpoints.token} (${describeNetworkError(error)})`, {
      code: 'oauth_unreachable',
      cause: error,
      remedy: 'Check the URL, your network and proxy (HTTPS_PROXY); for a private CA pass --ca-file.',
    })
  } finally {
    if (!options.dispatcher) await dispatcher.close().catch(() => undefined)
  }
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    // non-JSON error pages are reported by status below
  }
  if (status >= 200 && status < 300 && typeof json.access_token === 'string') {
    const now = options.now ?? Date.now
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in)
    const scopeText = typeof json.scope === 'string' ? json.scope : typeof json.scopes === 'string' ? json.scopes : null
    return {
      accessToken: json.access_token,
      refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : null,
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now() + expiresIn * 1000 : null,
      scopes: scopeText === null ? null : scopeText.split(/[\s,]+/).filter(Boolean),
    }
  }
  const oauthError = typeof json.error === 'string' ? json.error : null
  const description = typeof json.error_description === 'string' ? json.error_description : null
  const said = [oauthError, description].filter(Boolean).join(': ') || `HTTP ${status}`
  if (oauthError === 'invalid_grant') {
    throw new InvalidGrantError(`The OAuth grant was refused (${said})`, {
      code: 'oauth_invalid_grant',
      remedy: 'Log in again with `bb-integrate connect --auth oauth`.',
    })
  }
  if (oauthError === 'invalid_client' || oauthError === 'unauthorized_client' || status === 401) {
    throw new AuthError(`The OAuth consumer was rejected (${said})`, {
      code: 'oauth_invalid_client',
      remedy: 'Check --client-id and the client secret (Bitbucket: Workspace settings → OAuth consumers).',
    })
  }
  if (status >= 500) {
    throw new NetworkError(`The OAuth token endpoint failed (${said})`, {code: 'oauth_server_error'})
  }
  throw new AuthError(`The OAuth token request failed (${said})`, {code: 'oauth_token_failed'})
}

function describeNetworkError(error: unknown): string {
  const e = error as {code?: string; cause?: {code?: string; message?: string}; message?: string}
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(error)
}

/** The API client's dispatcher: the same proxy and CA rules for the token endpoint. */
function defaultDispatcher(caFile?: string): Dispatcher {
  return createDefaultDispatcher({caFile})
}
