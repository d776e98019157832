/** The parts of a Bitbucket error body worth showing a user. */
export interface ErrorBodyInfo {
  message: string | null
  /** Cloud 403: scopes the endpoint needs and the scopes the credential has. */
  required: string[] | null
  granted: string[] | null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null
}

/**
 * Cloud: `{"type":"error","error":{"message":…,"detail":{"required":[…],"granted":[…]}}}`.
 * Data Center: `{"errors":[{"message":…}]}`. Atlassian's rate limiter: `{"message":…}`.
 */
export function readErrorBody(body: unknown): ErrorBodyInfo {
  const info: ErrorBodyInfo = {message: null, required: null, granted: null}
  if (typeof body === 'string') {
    const text = body.trim()
    // HTML error pages from proxies say nothing useful in a terminal.
    if (text !== '' && !text.startsWith('<')) info.message = text.slice(0, 300)
    return info
  }
  if (!isRecord(body)) return info
  const error = body.error
  if (isRecord(error)) {
    if (typeof error.message === 'string') info.message = error.message
    const detail = error.detail
    if (isRecord(detail)) {
      info.required = strings(detail.required)
      info.granted = strings(detail.granted)
    } else if (typeof detail === 'string' && detail.trim() !== '') {
      info.message = info.message ? `${info.message} ${detail}` : detail
    }
    return info
  }
  if (Array.isArray(body.errors)) {
    const messages = body.errors
      .map((e) => (isRecord(e) && typeof e.message === 'string' ? e.message : null))
      .filter((m): m is string => m !== null)
    if (messages.length > 0) info.message = messages.join('; ')
    return info
  }
  if (typeof body.message === 'string') info.message = body.message
  return info
}
