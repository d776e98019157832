/**
 * OAuth 2.0 at the site origin, as bitbucket.org serves it: /site/oauth2/authorize shows a consent page
 * whose form submits itself to /authorize/decision, which redirects to the callback with `code` and
 * `state`; /site/oauth2/access_token exchanges codes and rotates refresh tokens, with the consumer
 * authenticating by Basic key:secret. PKCE is checked when a challenge was sent (Cloud does not
 * document PKCE; clients send it anyway).
 */
import type {Credential} from '../../server/credentials.js'
import type {EmuRequest, EmuResponse, Route, RouteContext} from '../../server/types.js'
import {escapeHtml} from '../render.js'

function page(status: number, title: string, body: string): EmuResponse {
  return {
    status,
    headers: {'Content-Type': 'text/html; charset=utf-8'},
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — Bitbucket</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  }
}

const errorPage = (message: string) => page(400, 'OAuth error', `<p class="error">${escapeHtml(message)}</p>`)

interface AuthorizeParams {
  consumer: Credential
  redirectUri: string
  /** What the client sent (null when it relied on the registered callback). */
  sentRedirectUri: string | null
  state: string | null
  challenge: string | null
  challengeMethod: string | null
}

/** The checks authorize and decision share; an error page when the request cannot be redirected. */
function validate(params: URLSearchParams, ctx: RouteContext): AuthorizeParams | EmuResponse {
  const consumer = ctx.state.credentials.consumer(params.get('client_id') ?? '')
  if (!consumer || ctx.state.credentials.validity(consumer) !== 'ok') return errorPage('Invalid client_id: no such OAuth consumer.')
  if (!consumer.callbackUrl) return errorPage('No callback uri defined for the OAuth client.')
  const sent = params.get('redirect_uri')
  if (sent !== null && !callbackMatches(consumer.callbackUrl, sent)) return errorPage(`redirect_uri does not match the callback URL registered for this consumer.`)
  if (params.get('response_type') !== 'code') return errorPage('Unsupported response_type: only "code" is supported.')
  const method = params.get('code_challenge_method')
  if (params.get('code_challenge') && method !== null && method !== 'S256' && method !== 'plain') return errorPage('Unsupported code_challenge_method.')
  return {
    consumer,
    redirectUri: sent ?? consumer.callbackUrl,
    sentRedirectUri: sent,
    state: params.get('state'),
    challenge: params.get('code_challenge'),
    challengeMethod: params.get('code_challenge') ? method ?? 'plain' : null,
  }
}

/**
 * The one registered callback URL must be a prefix of redirect_uri ("appended to", Cloud OAuth FAQ).
 * A loopback callback registered without a port also matches any port (RFC 8252 §7.3), which is what
 * CLIs shipping a random-port loopback (bkt, 2026) rely on.
 */
export function callbackMatches(registered: string, sent: string): boolean {
  if (sent.startsWith(registered)) return true
  try {
    const reg = new URL(registered)
    const got = new URL(sent)
    if (reg.protocol !== 'http:' || reg.port !== '' || !['127.0.0.1', 'localhost', '[::1]'].includes(reg.hostname)) return false
    if (got.protocol !== reg.protocol || got.hostname !== reg.hostname) return false
    got.port = ''
    return got.toString().startsWith(reg.toString().replace(/\/$/, registered.endsWith('/') ? '/' : ''))
  } catch {
    return false
  }
}

function redirect(to: string, query: Record<string, string | null>): EmuResponse {
  const url = new URL(to)
  for (const [k, v] of Object.entries(query)) if (v !== null) url.searchParams.set(k, v)
  return {status: 302, headers: {Location: url.toString(), 'Content-Type': 'text/html; charset=utf-8'}, body: ''}
}

const authorize: Route = {
  method: 'GET',
  path: '/site/oauth2/authorize',
  public: true,
  handler: (req, ctx) => {
    const v = validate(req.query, ctx)
    if ('status' in v) return v
    const user = v.consumer.user ? ctx.world.userByKey(v.consumer.user) : ctx.world.users()[0]
    const fields = ['client_id', 'response_type', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method']
      .filter((k) => req.query.get(k) !== null)
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(req.query.get(k) ?? '')}">`)
      .join('')
    const decision = v.consumer.deny ? 'deny' : 'grant'
    // The signed-in person answers the consent page; a consumer configured with `deny` gets a refusal.
    const form = `<p>${escapeHtml(v.consumer.name)} is requesting access to your Bitbucket account${user ? ` (${escapeHtml(user.displayName)})` : ''}: ${escapeHtml(v.consumer.scopes.join(', '))}.</p>`
      + `<form id="consent" method="POST" action="/site/oauth2/authorize/decision">${fields}`
      + `<button type="submit" name="decision" value="${decision}" id="${decision}">${decision === 'grant' ? 'Grant access' : 'Cancel'}</button></form>`
      + `<script>document.getElementById('${decision}').click()</script>`
    return page(200, 'Authorize application', form)
  },
}

const decision: Route = {
  method: 'POST',
  path: '/site/oauth2/authorize/decision',
  public: true,
  handler: (req, ctx) => {
    const params = new URLSearchParams(req.rawBody.toString('utf8'))
    const v = validate(params, ctx)
    if ('status' in v) return v
    if (params.get('decision') !== 'grant' || v.consumer.deny) {
      return redirect(v.redirectUri, {error: 'access_denied', error_description: 'The user denied access.', state: v.state})
    }
    const user = v.consumer.user ?? ctx.world.users()[0]?.uuid
    if (!user) return errorPage('Nobody is signed in.')
    const code = ctx.state.credentials.issueCode({consumer: v.consumer, user, redirectUri: v.sentRedirectUri, challenge: v.challenge, challengeMethod: v.challengeMethod})
    return redirect(v.redirectUri, {code, state: v.state})
  },
}

function oauthError(status: number, error: string, description: string): EmuResponse {
  return {status, headers: {'Cache-Control': 'no-store'}, body: {error, error_description: description}}
}

/** Client credentials from Basic auth, or client_id/client_secret in the form. */
function clientOf(req: EmuRequest, form: URLSearchParams): {key: string; secret: string} | null {
  const header = req.headers.authorization
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) return {key: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1))}
  }
  const key = form.get('client_id')
  const secret = form.get('client_secret')
  return key && secret ? {key, secret} : null
}

const accessToken: Route = {
  method: 'POST',
  path: '/site/oauth2/access_token',
  public: true,
  handler: (req, ctx) => {
    const type = String(req.headers['content-type'] ?? '')
    if (!type.startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request', 'The token request must be form-encoded (application/x-www-form-urlencoded).')
    const form = new URLSearchParams(req.rawBody.toString('utf8'))
    const client = clientOf(req, form)
    const consumer = client ? ctx.state.credentials.authenticateClient(client.key, client.secret) : undefined
    if (!consumer) return {...oauthError(401, 'invalid_client', 'Invalid OAuth client credentials'), headers: {'WWW-Authenticate': 'Basic realm="OAuth"'}}
    const ttlSec = ctx.state.accessTokenTtlSec
    const grant = form.get('grant_type')
    let result
    if (grant === 'authorization_code') {
      const code = form.get('code')
      if (!code) return oauthError(400, 'invalid_request', 'Missing code parameter.')
      result = ctx.state.credentials.redeemCode({consumer, code, redirectUri: form.get('redirect_uri'), verifier: form.get('code_verifier'), ttlSec})
    } else if (grant === 'refresh_token') {
      const refresh = form.get('refresh_token')
      if (!refresh) return oauthError(400, 'invalid_request', 'Missing refresh_token parameter.')
      result = ctx.state.credentials.refresh({consumer, refreshToken: refresh, ttlSec})
    } else {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant ?? '(none)'}`)
    }
    if ('error' in result) return oauthError(400, result.error, result.error_description)
    // Cloud echoes the grant that produced the token in a `state` field.
    return {status: 200, headers: {'Cache-Control': 'no-store'}, body: {...result, state: grant}}
  },
}

export const oauthRoutes: Route[] = [authorize, decision, accessToken]
