/**
 * The Bitbucket Data Center 9.4 flavour of the emulator: REST under `/rest/api/{latest,1.0}`, OAuth 2.0
 * under `/rest/oauth2/latest`, Basic/Bearer auth with DC permissions, a per-user token bucket, and DC
 * webhook payloads.
 */
import type {FlavorModule, Principal, Route} from '../server/types.js'
import {authenticate, identityOf} from './auth.js'
import {AUTHORISATION, dcError} from './errors.js'
import {oauthRoutes} from './oauth.js'
import {webhookPayload} from './payloads.js'
import {takeToken} from './ratelimit.js'
import {commitRoutes} from './routes-commits.js'
import {coreRoutes} from './routes-core.js'
import {pullRoutes} from './routes-pulls.js'
import {webhookRoutes} from './routes-webhooks.js'

export {configureDcRateLimit, DC_BUCKET_DEFAULT} from './ratelimit.js'
export type {DcBucketConfig} from './ratelimit.js'

export const datacenterRoutes: Route[] = [...coreRoutes, ...pullRoutes, ...commitRoutes, ...webhookRoutes, ...oauthRoutes]

export const datacenterFlavor: FlavorModule = {
  flavor: 'datacenter',
  routes: datacenterRoutes,
  authenticate,
  // DC reports missing permissions as a 401 AuthorisationException naming what the resource needs.
  forbidden: (required) => dcError(401, `You are not permitted to access this resource. It requires the ${required.join(' or ')} permission.`, AUTHORISATION),
  rateLimit: (principal, nowMs, state) => takeToken(principal, nowMs, state),
  webhookPayload,
  errorResponse: (status, message) => dcError(status, message, null),
  responseHeaders: (_route, principal: Principal | null): Record<string, string> => {
    const identity = principal ? identityOf(principal) : undefined
    return identity ? {'X-AUSERNAME': identity.name, 'X-AUSERID': String(identity.id)} : {}
  },
}
