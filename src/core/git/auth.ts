/**
 * The Authorization header git sends, derived from the REST one. Cloud: an API token is Basic with
 * the user `x-bitbucket-api-token-auth` (git refuses the e-mail REST uses); access and OAuth tokens
 * are Basic `x-token-auth`. Data Center takes the REST header as is (Bearer, or Basic user:token).
 */
import type {ProviderKind} from '../model.js'

export function gitAuthorization(provider: ProviderKind, restAuthorization: string): string {
  if (provider !== 'cloud') return restAuthorization
  const [scheme = '', value = ''] = restAuthorization.split(/\s+/, 2)
  const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
  if (scheme.toLowerCase() === 'bearer') return basic('x-token-auth', value)
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return basic('x-bitbucket-api-token-auth', colon < 0 ? decoded : decoded.slice(colon + 1))
}
