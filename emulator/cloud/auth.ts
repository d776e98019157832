/**
 * Cloud authentication: API tokens as Basic `email:token`, access tokens and OAuth access tokens as
 * Bearer. A Bitbucket username in place of the e-mail is refused with a hint, because that is the
 * mistake people make moving from app passwords (which used the username) to API tokens.
 */
import type {EmuRequest, EmuResponse, Principal, Route, ServerState} from '../server/types.js'
import type {World} from '../world/types.js'
import {cloudError} from './errors.js'
import {isCloudRoute} from './scopes.js'

const CHALLENGE = {'WWW-Authenticate': 'Basic realm="Bitbucket.org HTTP"'}

function unauthorized(message: string): EmuResponse {
  return cloudError(401, message, {}, CHALLENGE)
}

export function authenticate(req: EmuRequest, world: World, state: ServerState): Principal | EmuResponse {
  const header = req.headers.authorization
  if (!header) return unauthorized('This API requires authentication.')
  const [scheme = '', value = ''] = header.split(/\s+/, 2)
  if (scheme.toLowerCase() === 'bearer') return bearer(value, state)
  if (scheme.toLowerCase() === 'basic') return basic(value, world, state)
  return unauthorized('Unsupported authentication scheme.')
}

function bearer(tokenValue: string, state: ServerState): Principal | EmuResponse {
  const oauth = state.credentials.oauthAccess(tokenValue)
  if (oauth) {
    if (oauth.validity === 'expired') return unauthorized('Access token expired.')
    if (oauth.validity !== 'ok') return unauthorized('Access token is not valid.')
    return {budgetKey: `consumer:${oauth.consumer.id}`, user: oauth.token.user, kind: 'oauth', scopes: oauth.token.scopes}
  }
  const credential = state.credentials.bySecret(tokenValue)
  if (!credential || credential.kind !== 'access-token') return unauthorized('Token is invalid or not supported for this endpoint.')
  const validity = state.credentials.validity(credential)
  if (validity !== 'ok') return unauthorized(validity === 'expired' ? 'Token is expired.' : 'Token is invalid or has been revoked.')
  return {budgetKey: `token:${credential.id}`, user: null, kind: 'access-token', scopes: credential.scopes, boundTo: credential.boundTo ?? undefined}
}

function basic(encoded: string, world: World, state: ServerState): Principal | EmuResponse {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return unauthorized('Invalid credentials.')
  const login = decoded.slice(0, colon)
  const secret = decoded.slice(colon + 1)
  const credential = state.credentials.bySecret(secret)
  if (!credential || credential.kind !== 'api-token') return unauthorized('Invalid credentials.')
  const user = credential.user ? world.userByKey(credential.user) : undefined
  const email = (credential.login ?? user?.email ?? '').toLowerCase()
  if (login.toLowerCase() !== email) {
    const isUsername = user && [user.slug, user.name, user.accountId].some((n) => n.toLowerCase() === login.toLowerCase())
    return unauthorized(isUsername
      ? 'Invalid credentials. API tokens authenticate with your Atlassian account email address as the username, not your Bitbucket username.'
      : 'Invalid credentials.')
  }
  const validity = state.credentials.validity(credential)
  if (validity !== 'ok') return unauthorized(validity === 'expired' ? 'API token expired.' : 'API token has been revoked.')
  return {budgetKey: `user:${credential.user ?? credential.id}`, user: credential.user, kind: 'api-token', scopes: credential.scopes}
}

export function forbidden(required: string[], granted: string[]): EmuResponse {
  return cloudError(403, 'Your credentials lack one or more required privilege scopes.', {detail: {required, granted}})
}

const CREDENTIAL_TYPE: Record<Principal['kind'], string> = {
  'api-token': 'api_token',
  'access-token': 'access_token',
  oauth: 'oauth2',
  pat: 'pat',
  basic: 'password',
}

export function responseHeaders(route: Route, principal: Principal | null): Record<string, string> {
  const headers: Record<string, string> = {}
  if (isCloudRoute(route) && !route.public && route.classic.length) headers['X-Accepted-OAuth-Scopes'] = route.classic.join(', ')
  if (principal) {
    headers['X-Credential-Type'] = CREDENTIAL_TYPE[principal.kind]
    if (principal.kind === 'oauth') headers['X-OAuth-Scopes'] = principal.scopes.join(', ')
  }
  return headers
}
