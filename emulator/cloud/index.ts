/** The Bitbucket Cloud 2.0 flavour: routes under /2.0, OAuth under /site/oauth2. */
import type {FlavorModule} from '../server/types.js'
import {authenticate, forbidden, responseHeaders} from './auth.js'
import {cloudError} from './errors.js'
import {rateLimit} from './ratelimit.js'
import {commitRoutes} from './routes/commits.js'
import {hookRouteList} from './routes/hooks.js'
import {oauthRoutes} from './routes/oauth.js'
import {pullRequestRoutes} from './routes/pullrequests.js'
import {repoRoutes} from './routes/repos.js'
import {userRoutes} from './routes/user.js'
import {missingScopes} from './scopes.js'
import {webhookPayload} from './webhook-payloads.js'

export const cloudFlavor: FlavorModule = {
  flavor: 'cloud',
  routes: [...userRoutes, ...repoRoutes, ...pullRequestRoutes, ...commitRoutes, ...hookRouteList, ...oauthRoutes],
  authenticate,
  forbidden,
  rateLimit,
  webhookPayload,
  checkScopes: missingScopes,
  errorResponse: (status, message) => cloudError(status, message),
  responseHeaders,
}
