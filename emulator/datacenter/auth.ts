/**
 * Data Center authentication: Basic `username:password` (or `username:personal-token`), and Bearer with
 * an HTTP access token (personal, project or repository) or an OAuth 2.0 access token. Project and
 * repository tokens work only as Bearer. Every failure answers DC's one generic 401, so a client cannot
 * tell a wrong password from an expired or revoked token.
 */
import type {Credential} from '../server/credentials.js'
import type {EmuRequest, EmuResponse, Principal, ServerState} from '../server/types.js'
import type {World} from '../world/types.js'
import {AUTHORISATION, authFailed, dcError} from './errors.js'
import {ALL_PERMISSIONS, expandPermissions} from './permissions.js'

/** Who the principal is, for X-AUSERNAME / X-AUSERID. Kept beside the principal, not inside it. */
export interface DcIdentity {
  name: string
  id: number
}

const identities = new WeakMap<Principal, DcIdentity>()

export function identityOf(principal: Principal): DcIdentity | undefined {
  return identities.get(principal)
}

function decodeBasic(value: string): {login: string; secret: string} | null {
  const raw = Buffer.from(value, 'base64').toString('utf8')
  const colon = raw.indexOf(':')
  return colon > 0 ? {login: raw.slice(0, colon), secret: raw.slice(colon + 1)} : null
}

/** Passwords without explicit scopes are the user's own full rights; tokens carry what they were created with. */
function permissionsOf(c: Credential): string[] {
  return c.kind === 'password' && c.scopes.length === 0 ? [...ALL_PERMISSIONS] : expandPermissions(c.scopes)
}

function userPrincipal(world: World, userKey: string, kind: Principal['kind'], scopes: string[]): Principal | EmuResponse {
  const user = world.userByKey(userKey)
  // A credential whose user was deleted stops working, as on a real server.
  if (!user) return authFailed()
  const principal: Principal = {budgetKey: `dc-user:${userKey}`, user: userKey, kind, scopes}
  identities.set(principal, {name: user.name, id: user.numericId})
  return principal
}

export function authenticate(req: EmuRequest, world: World, state: ServerState): Principal | EmuResponse {
  const header = req.headers.authorization
  if (!header) return dcError(401, 'Authentication required to access this resource.', AUTHORISATION)
  const space = header.indexOf(' ')
  const scheme = header.slice(0, space).toLowerCase()
  const value = header.slice(space + 1).trim()
  const registry = state.credentials

  if (scheme === 'basic') {
    const basic = decodeBasic(value)
    if (!basic) return authFailed()
    const c = registry.bySecret(basic.secret)
    if (!c || (c.kind !== 'password' && c.kind !== 'pat') || c.user === null || registry.validity(c) !== 'ok') return authFailed()
    const user = world.userByKey(c.user)
    const login = basic.login.toLowerCase()
    if (!user || ![user.name.toLowerCase(), user.slug, (c.login ?? '').toLowerCase()].includes(login)) return authFailed()
    return userPrincipal(world, c.user, c.kind === 'pat' ? 'pat' : 'basic', permissionsOf(c))
  }

  if (scheme === 'bearer') {
    const c = registry.bySecret(value)
    if (c) {
      if (registry.validity(c) !== 'ok') return authFailed()
      if (c.kind === 'pat' && c.user !== null) return userPrincipal(world, c.user, 'pat', permissionsOf(c))
      if (c.kind === 'access-token') {
        // Project/repository tokens act as a generated bot user of their own, with their own bucket.
        const principal: Principal = {budgetKey: `dc-token:${c.id}`, user: null, kind: 'access-token', scopes: permissionsOf(c), boundTo: c.boundTo ?? undefined}
        identities.set(principal, {name: `bot-${c.id}`, id: 100_000 + Number(c.id.replace(/\D/g, '') || 0)})
        return principal
      }
      return authFailed()
    }
    const oauth = registry.oauthAccess(value)
    if (oauth && oauth.validity === 'ok') return userPrincipal(world, oauth.token.user, 'oauth', expandPermissions(oauth.token.scopes))
    return authFailed()
  }
  return authFailed()
}
