/**
 * Data Center's OAuth 2.0 provider (incoming application link): authorization code with PKCE at
 * `/rest/oauth2/latest/authorize`, tokens at `/rest/oauth2/latest/token` with rotating refresh tokens.
 * The consent page auto-submits so a headless browser completes the flow; as on the Cloud flavour, the
 * signed-in person is the consumer's user (else the world's first user) and a consumer created with
 * `deny` is refused. Consumers, codes and tokens live in the server's credential registry.
 */
import {callbackMatches} from '../cloud/routes/oauth.js'
import type {Credential, OAuthError, TokenResponse} from '../server/credentials.js'
import type {EmuRequest, EmuResponse, Route, RouteContext} from '../server/types.js'
import type {WUser} from '../world/types.js'

export const DC_OAUTH_SCOPES = ['PUBLIC_REPOS', 'ACCOUNT_WRITE', 'REPO_READ', 'REPO_WRITE', 'REPO_ADMIN', 'PROJECT_ADMIN', 'ADMIN_WRITE', 'SYSTEM_ADMIN']

const AUTHORIZE = '/rest/oauth2/latest/authorize'
const CONSENT = '/rest/oauth2/latest/authorize/consent'
const TOKEN = '/rest/oauth2/latest/token'

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function errorPage(status: number, message: string): EmuResponse {
  return {status, headers: {'Content-Type': 'text/html; charset=utf-8'}, body: `<!doctype html><title>OAuth error</title><p id="error">${escapeHtml(message)}</p>`}
}

function redirect(target: string, params: Record<string, string | null>): EmuResponse {
  const url = new URL(target)
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v)
  return {status: 302, headers: {Location: url.toString()}, body: ''}
}

interface AuthorizeRequest {
  consumer: Credential
  redirectUri: string
  state: string | null
  scopes: string[]
  challenge: string | null
  challengeMethod: string | null
}

/** Validate an authorize request; errors that make the redirect untrustworthy are shown, the rest redirected. */
function parseAuthorize(params: URLSearchParams, ctx: RouteContext): AuthorizeRequest | EmuResponse {
  const consumer = ctx.state.credentials.consumer(params.get('client_id') ?? '')
  if (!consumer || consumer.kind !== 'oauth-consumer' || ctx.state.credentials.validity(consumer) !== 'ok') return errorPage(400, 'Invalid client_id: no such application link.')
  const redirectUri = params.get('redirect_uri') ?? consumer.callbackUrl
  // Same rule as Cloud: the registered URL is a prefix, and a loopback registered without a port matches any port.
  if (!redirectUri || (consumer.callbackUrl && !callbackMatches(consumer.callbackUrl, redirectUri))) return errorPage(400, 'The redirect_uri does not match the application link.')
  const state = params.get('state')
  const fail = (error: string, description: string): EmuResponse => redirect(redirectUri, {error, error_description: description, state})
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.')
  const challenge = params.get('code_challenge')
  const challengeMethod = challenge ? params.get('code_challenge_method') ?? 'plain' : null
  if (challengeMethod && challengeMethod !== 'S256' && challengeMethod !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain.')
  const requested = (params.get('scope') ?? '').split(/[\s+]+/).filter(Boolean).map((s) => s.toUpperCase())
  const unknown = requested.filter((s) => !DC_OAUTH_SCOPES.includes(s))
  if (unknown.length > 0) return fail('invalid_scope', `Unknown scope(s): ${unknown.join(' ')}`)
  // The application link caps what may be granted; with no cap the request decides.
  const allowed = consumer.scopes.length > 0 ? consumer.scopes : DC_OAUTH_SCOPES
  const scopes = (requested.length > 0 ? requested : consumer.scopes).filter((s) => allowed.includes(s))
  return {consumer, redirectUri, state, scopes, challenge, challengeMethod}
}

function consentPage(params: URLSearchParams, ctx: RouteContext, parsed: AuthorizeRequest): EmuResponse {
  const user = browserUser(parsed.consumer, ctx)
  const fields = [...params.entries()].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')
  const body = `<!doctype html><html><head><title>Authorize ${escapeHtml(parsed.consumer.name)}</title></head><body>
<form id="consent" method="post" action="${CONSENT}">${fields}
<p>${escapeHtml(parsed.consumer.name)} wants access to Bitbucket as ${escapeHtml(user?.displayName ?? 'nobody')}: ${escapeHtml(parsed.scopes.join(', '))}</p>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
<script>(function(){var f=document.getElementById('consent');var d=document.createElement('input');d.type='hidden';d.name='decision';d.value=${parsed.consumer.deny ? "'deny'" : "'allow'"};f.appendChild(d);f.submit()})()</script>
</body></html>`
  return {status: 200, headers: {'Content-Type': 'text/html; charset=utf-8'}, body}
}

function browserUser(consumer: Credential, ctx: RouteContext): WUser | undefined {
  return consumer.user ? ctx.world.userByKey(consumer.user) : ctx.world.users()[0]
}

function consent(req: EmuRequest, ctx: RouteContext): EmuResponse {
  const params = new URLSearchParams(req.rawBody.toString('utf8'))
  const parsed = parseAuthorize(params, ctx)
  if ('status' in parsed) return parsed
  if (params.get('decision') !== 'allow' || parsed.consumer.deny) return redirect(parsed.redirectUri, {error: 'access_denied', error_description: 'The user denied access.', state: parsed.state})
  const user = browserUser(parsed.consumer, ctx)
  if (!user) return errorPage(400, 'Nobody is signed in.')
  const code = ctx.state.credentials.issueCode({
    consumer: parsed.consumer, user: user.uuid, scopes: parsed.scopes,
    redirectUri: params.get('redirect_uri'), challenge: parsed.challenge, challengeMethod: parsed.challengeMethod,
  })
  return redirect(parsed.redirectUri, {code, state: parsed.state})
}

function oauthError(status: number, error: string, description: string): EmuResponse {
  return {status, headers: {'Cache-Control': 'no-store'}, body: {error, error_description: description}}
}

function token(req: EmuRequest, ctx: RouteContext): EmuResponse {
  const form = new URLSearchParams(req.rawBody.toString('utf8'))
  let clientId = form.get('client_id')
  let clientSecret = form.get('client_secret')
  const auth = req.headers.authorization
  if (auth?.toLowerCase().startsWith('basic ')) {
    const raw = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8')
    const colon = raw.indexOf(':')
    if (colon > 0) [clientId, clientSecret] = [decodeURIComponent(raw.slice(0, colon)), decodeURIComponent(raw.slice(colon + 1))]
  }
  const consumer = clientId && clientSecret ? ctx.state.credentials.authenticateClient(clientId, clientSecret) : undefined
  if (!consumer) return oauthError(401, 'invalid_client', 'Client authentication failed.')
  const ttlSec = ctx.state.accessTokenTtlSec
  let result: TokenResponse | OAuthError
  switch (form.get('grant_type')) {
    case 'authorization_code':
      result = ctx.state.credentials.redeemCode({consumer, code: form.get('code') ?? '', redirectUri: form.get('redirect_uri'), verifier: form.get('code_verifier'), ttlSec})
      break
    case 'refresh_token':
      result = ctx.state.credentials.refresh({consumer, refreshToken: form.get('refresh_token') ?? '', ttlSec})
      break
    default:
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.')
  }
  if ('error' in result) return oauthError(400, result.error, result.error_description)
  const {access_token, refresh_token, expires_in, scope} = result
  return {status: 200, headers: {'Cache-Control': 'no-store'}, body: {access_token, refresh_token, expires_in, token_type: 'Bearer', scope}}
}

export const oauthRoutes: Route[] = [
  {
    method: 'GET', path: AUTHORIZE, public: true,
    handler: (req, ctx) => {
      const parsed = parseAuthorize(req.query, ctx)
      return 'status' in parsed ? parsed : consentPage(req.query, ctx, parsed)
    },
  },
  {method: 'POST', path: CONSENT, public: true, handler: consent},
  {method: 'POST', path: TOKEN, public: true, handler: token},
]
