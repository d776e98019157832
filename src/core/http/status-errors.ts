import type {BbError} from '../errors.js'
import {AuthError, HttpError} from '../errors.js'
import type {ErrorBodyInfo} from './error-body.js'

export interface StatusContext {
  status: number
  method: string
  /** Already redacted. */
  url: string
  credentialId: string
  info: ErrorBodyInfo
  /** Already redacted. */
  body: unknown
  attempts: number
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  410: 'Gone', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  // Bitbucket Cloud's own status when computing a diff or diffstat takes too long.
  555: 'Diff Timeout',
}

function statusText(status: number): string {
  const reason = REASONS[status]
  return reason ? `${status} ${reason}` : String(status)
}

/** The server's own words; its final full stop dropped, since ours ends the sentence. */
function said(info: ErrorBodyInfo): string {
  return info.message ? `: ${info.message.replace(/\.+$/, '')}` : ''
}

/** The error for an HTTP answer we will not (or no longer) retry. */
export function errorForStatus(ctx: StatusContext): BbError {
  const {status, method, url, credentialId, info} = ctx
  const where = `${method} ${url}`
  if (status === 401) {
    return new AuthError(`Bitbucket rejected credential "${credentialId}" (401 Unauthorized) for ${where}${said(info)}.`, {
      code: 'unauthorized',
      // The CI credential comes from the environment: `connect` would not change what is sent.
      remedy: credentialId.endsWith('/env')
        ? 'BB_INTEGRATE_TOKEN may be wrong, expired or revoked (an API token also needs BB_INTEGRATE_EMAIL set to the Atlassian account e-mail): set a valid one.'
        : 'The token may be wrong, expired or revoked: run `bb-integrate connect` again to store a new one.',
      details: {credentialId, status},
    })
  }
  if (status === 403 && info.required !== null) {
    const granted = info.granted ?? []
    const missing = info.required.filter((scope) => !granted.includes(scope))
    const needed = missing.length > 0 ? missing : info.required
    return new AuthError(
      `Credential "${credentialId}" lacks the scope${needed.length === 1 ? '' : 's'} ${needed.join(', ')} needed for ${where} (granted: ${granted.length > 0 ? granted.join(', ') : 'none'}).`,
      {
        code: 'missing_scope',
        remedy: `Create a token that includes ${needed.join(', ')} and run \`bb-integrate connect\` again.`,
        details: {credentialId, required: info.required, granted, missing: needed},
      },
    )
  }
  if (status === 403) {
    return new AuthError(`Credential "${credentialId}" is not allowed ${where} (403 Forbidden)${said(info)}.`, {
      code: 'forbidden',
      remedy: 'Check the account has access to this workspace/project and repository.',
      details: {credentialId, status},
    })
  }
  const after = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : ''
  const remedy =
    status === 555
      ? 'Bitbucket gave up computing this diff; it is usually too large. Retry later or skip commit files for it.'
      : status >= 500
        ? 'Bitbucket had trouble answering; run the command again later.'
        : undefined
  return new HttpError(`Bitbucket answered ${statusText(status)} for ${where}${after}${said(info)}.`, status, {
    code: status === 404 ? 'not_found' : status >= 500 ? 'server_error' : `http_${status}`,
    remedy,
    body: ctx.body,
    details: {credentialId, status},
  })
}
