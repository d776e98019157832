import {UsageError} from '../errors.js'
import type {ConnectRequest} from './connect-request.js'

/** What a Cloud access token can belong to: a workspace ("acme") or a repository ("acme/api"). */
export const TOKEN_TARGET = /^[\w.-]+(\/[\w.-]+)?$/

/** Which methods each provider offers (Cloud has no PATs; Data Center has no Atlassian API tokens). */
export const METHODS_BY_PROVIDER = {
  cloud: ['oauth', 'api-token', 'access-token'],
  datacenter: ['oauth', 'pat', 'access-token'],
} as const

/** A credential kind the provider does not offer is bad usage, whatever else is missing. */
export function checkMethod(provider: ConnectRequest['provider'], auth: string): void {
  const allowed: readonly string[] = METHODS_BY_PROVIDER[provider]
  if (allowed.includes(auth)) return
  const hint =
    auth === 'pat'
      ? 'Bitbucket Cloud has no personal access tokens: use --auth api-token (Atlassian API token with scopes) or access-token.'
      : auth === 'api-token'
        ? 'Atlassian API tokens are a Cloud feature: on Data Center use --auth pat (HTTP access token) or oauth.'
        : undefined
  throw new UsageError(`--auth ${auth} is not available for ${provider} (use ${allowed.join(', ')})`, {code: 'bad_auth', remedy: hint})
}

/**
 * Everything checkable before a request leaves: wrong combinations and the classic mistake of a username
 * where an API token needs the Atlassian account e-mail. Messages name the flag to fix.
 */
export function validateConnectRequest(request: ConnectRequest): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(request.name)) {
    throw new UsageError(`--name "${request.name}" is not a valid connection name (letters, digits, . _ -)`, {code: 'bad_name'})
  }
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    // Never echo what may hold a password (user:secret@host).
    const shown = request.url.includes('@') ? '(not shown: it contains "@")' : `"${request.url}"`
    throw new UsageError(`--url ${shown} is not a URL`, {code: 'bad_url'})
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--url must not carry a user name or password (user:secret@host); it was not saved and is not shown.', {
      code: 'url_credentials',
      remedy: 'Pass the bare server URL to --url and the credential with --email/--token-stdin; consider rotating a password that was typed into a URL.',
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`--url must be http(s), not ${url.protocol}`, {code: 'bad_url'})
  }
  checkMethod(request.provider, request.auth)
  if (request.target !== undefined) {
    if (request.provider !== 'cloud' || request.auth !== 'access-token') {
      throw new UsageError('--token-target is only for Cloud access tokens (--provider cloud --auth access-token)', {code: 'bad_flag', details: {flag: 'token-target'}})
    }
    if (!TOKEN_TARGET.test(request.target)) {
      throw new UsageError(`--token-target "${request.target}" is not a workspace or workspace/repo`, {
        code: 'bad_flag', details: {flag: 'token-target'}, remedy: 'Pass the workspace slug (acme) or the repository (acme/api) the token was created for.',
      })
    }
  }
  if (request.auth === 'oauth') {
    if (!request.clientId) throw new UsageError('Missing --client-id (the OAuth consumer key)', {code: 'missing_flag', details: {flag: 'client-id'}})
    if (!request.clientSecret) {
      throw new UsageError('Missing the OAuth client secret (pipe it to --client-secret-stdin)', {code: 'missing_flag', details: {flag: 'client-secret-stdin'}})
    }
    return
  }
  if (request.auth === 'api-token') {
    if (!request.email) {
      throw new UsageError('Missing --email: API tokens are sent with the Atlassian account e-mail', {code: 'missing_flag', details: {flag: 'email'}})
    }
    if (!request.email.includes('@')) {
      // Not echoed: a token pasted into the wrong prompt must not land in a terminal log or CI output.
      throw new UsageError(
        'The --email value is not an e-mail address (it has no @); API tokens use the Atlassian account e-mail (e.g. jane@example.com), not the Bitbucket username or the token',
        {code: 'email_expected', details: {flag: 'email'}, remedy: 'Pass --email with the e-mail address you log in to Atlassian with.'},
      )
    }
  }
  if (!request.token) {
    throw new UsageError('Missing the token (pipe it to --token-stdin)', {code: 'missing_flag', details: {flag: 'token-stdin'}})
  }
}
