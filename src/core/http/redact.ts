/** What every message, cause, event and log line passes through before anyone can see it. */
export const REDACTED = '***'

// Secrets shorter than this are not scrubbed from text: replacing two-letter strings everywhere
// would mangle every message while no real token is that short.
const MIN_SECRET_LENGTH = 4

// Query keys and JSON fields whose values are credentials whatever they look like.
const SECRET_KEY = String.raw`(?:access_token|refresh_token|id_token|token|client_secret|secret|password|passwd|api_key|apikey|jwt|signature|sig|code)`
const QUERY_SECRET = new RegExp(String.raw`([?&;]${SECRET_KEY}=)[^&#\s"']*`, 'gi')
const JSON_SECRET = new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi')
// A credential has a digit, a base64/url-safe symbol or a case change inside it; plain words
// ("Basic authentication failed") do not, and stay readable.
const AUTH_SCHEME = /\b([Bb]earer|[Bb]asic)\s+(?=[A-Za-z._~+/=:-]*(?:[0-9+/=_~-]|[a-z][A-Z]))[A-Za-z0-9._~+/=:-]{6,}/g
const AUTH_HEADER = /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^\s,;"']+(?:\s+[^\s,;"']+)?/gi
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi

// Cheap pre-check: text without any of these cannot match the patterns below (hot path: every
// request's URL goes through redact() for events).
const MAYBE_SECRET = /token|secret|passw|api_?key|jwt|sig|code|auth|bearer|basic|@/i

/**
 * Replace every known secret and every credential-shaped fragment (`Bearer x`, `token=x`,
 * `"access_token":"x"`, `user:pass@` in URLs) with `***`.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text
  for (const secret of longestFirst(secrets)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    // Secrets also travel percent-encoded in URLs.
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED)
  }
  if (!MAYBE_SECRET.test(out)) return out
  return out
    .replace(AUTH_HEADER, `$1${REDACTED}`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(JSON_SECRET, `$1${REDACTED}$2`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
}

// Longest first so a secret that contains another is removed whole.
function longestFirst(secrets: Iterable<string>): string[] {
  const known = Array.isArray(secrets) ? (secrets as string[]) : [...secrets]
  return known.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
}

/** Redact every string inside a JSON-like value (error bodies kept on HttpError). */
export function redactValue<T>(value: T, secrets: Iterable<string> = []): T {
  if (value === null || value === undefined) return value
  if (typeof value === 'string') return redact(value, secrets) as T
  if (typeof value !== 'object') return value
  try {
    return JSON.parse(redact(JSON.stringify(value), secrets)) as T
  } catch {
    return value
  }
}

/**
 * A copy of an error safe to attach as `cause`: same name, code and redacted message, no stack frames
 * carrying request options, and a redacted cause chain.
 */
export function redactError(err: unknown, secrets: Iterable<string> = []): Error {
  const list = [...secrets]
  if (!(err instanceof Error)) return new Error(redact(String(err), list))
  const nested = (err as {cause?: unknown}).cause
  const copy = new Error(redact(err.message, list), nested === undefined ? undefined : {cause: redactError(nested, list)})
  copy.name = err.name
  const code = (err as {code?: unknown}).code
  if (typeof code === 'string') (copy as Error & {code: string}).code = code
  copy.stack = `${copy.name}: ${copy.message}`
  return copy
}
