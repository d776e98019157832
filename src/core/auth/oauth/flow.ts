import type {Dispatcher} from 'undici'

import type {ProviderKind} from '../../model.js'
import type {BrowserOpener} from './browser.js'
import {oauthEndpoints} from './endpoints.js'
import {DEFAULT_CALLBACK_PORT, startLoopback} from './loopback.js'
import {createPkce, randomToken} from './pkce.js'
import {exchangeCode, type OAuthTokens} from './token.js'

export interface OAuthLoginOptions {
  provider: ProviderKind
  /** API base (Data Center: server base, where /rest/oauth2 lives). */
  url: string
  /** Cloud site (https://bitbucket.org). */
  oauthUrl?: string
  clientId: string
  clientSecret: string
  callbackPort?: number
  /** Data Center asks for scopes per request (REPO_READ…); Cloud fixes them on the consumer. */
  scopes?: string[]
  timeoutMs?: number
  signal?: AbortSignal
  openBrowser: BrowserOpener
  /** Always told the URL, so the user can open it by hand when no browser opens. */
  onAuthorizeUrl: (url: string) => void
  /** Told about each callback ignored for a wrong `state` (the login keeps waiting). */
  onIgnoredCallback?: (message: string) => void
  dispatcher?: Dispatcher
  caFile?: string
  now?: () => number
}

/**
 * Authorization-code grant through a loopback redirect: 256-bit state against forged callbacks (ignored with a 400 until the real one comes or the time is up), PKCE
 * S256 (Data Center checks it; Cloud ignores it but requires the client secret). The server is closed on
 * every path, success or not.
 */
export async function runOAuthLogin(options: OAuthLoginOptions): Promise<OAuthTokens> {
  const endpoints = oauthEndpoints(options.provider, options)
  const state = randomToken(32)
  const pkce = createPkce()
  const loopback = await startLoopback({
    port: options.callbackPort ?? DEFAULT_CALLBACK_PORT,
    state,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onIgnored: options.onIgnoredCallback,
  })
  try {
    const authorize = new URL(endpoints.authorize)
    authorize.searchParams.set('client_id', options.clientId)
    authorize.searchParams.set('response_type', 'code')
    authorize.searchParams.set('redirect_uri', loopback.redirectUri)
    authorize.searchParams.set('state', state)
    authorize.searchParams.set('code_challenge', pkce.challenge)
    authorize.searchParams.set('code_challenge_method', pkce.method)
    if (options.scopes?.length) authorize.searchParams.set('scope', options.scopes.join(' '))
    options.onAuthorizeUrl(authorize.toString())
    await options.openBrowser(authorize.toString())
    const code = await loopback.code
    return await exchangeCode(code, {redirectUri: loopback.redirectUri, codeVerifier: pkce.verifier}, {
      endpoints,
      client: {clientId: options.clientId, clientSecret: options.clientSecret},
      dispatcher: options.dispatcher,
      caFile: options.caFile,
      signal: options.signal,
      now: options.now,
    })
  } finally {
    await loopback.close()
  }
}
