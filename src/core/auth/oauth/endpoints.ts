import type {ProviderKind} from '../../model.js'

/** Where a provider's OAuth 2.0 authorization-code flow lives. */
export interface OAuthEndpoints {
  authorize: string
  token: string
  /** Cloud wants the client secret as HTTP Basic; Data Center takes client_id/client_secret in the form. */
  clientAuth: 'basic' | 'form'
}

export function oauthEndpoints(provider: ProviderKind, urls: {url: string; oauthUrl?: string}): OAuthEndpoints {
  if (provider === 'cloud') {
    const site = trimSlash(urls.oauthUrl ?? 'https://bitbucket.org')
    return {authorize: `${site}/site/oauth2/authorize`, token: `${site}/site/oauth2/access_token`, clientAuth: 'basic'}
  }
  const base = trimSlash(urls.url)
  return {authorize: `${base}/rest/oauth2/latest/authorize`, token: `${base}/rest/oauth2/latest/token`, clientAuth: 'form'}
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
