/**
 * Every time in the canonical model is ISO-8601 UTC with milliseconds. Cloud sends ISO strings with
 * microseconds and offsets ("2019-09-27T00:33:46.039178+00:00"); Data Center sends epoch milliseconds.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Normalise an API time to `YYYY-MM-DDTHH:mm:ss.sssZ`. Sub-millisecond digits are truncated, not
 * rounded, so a time rendered from a millisecond value round-trips exactly. Returns null for
 * null/undefined/unparseable input rather than inventing a value.
 */
export function toIsoUtc(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value).toISOString() : null
  const fast = utcFastPath(value)
  if (fast) return fast
  const m = ISO.exec(value.trim())
  if (!m) {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? null : new Date(ms).toISOString()
  }
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m
  const millis = Number(frac.slice(0, 3).padEnd(3, '0'))
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis)
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')
    ms -= sign * offsetMin * 60_000
  }
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** UTC times as Cloud sends them ("…T00:33:46.039178+00:00", "…T00:33:46+00:00", "…Z"). */
const UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|\+00:00)$/

/**
 * The common case without Date arithmetic: the string already holds the UTC fields, so only the
 * fraction needs trimming. Only for fields that are valid on every calendar date (day ≤ 28); anything
 * else takes the general path, which normalises exactly as before.
 */
function utcFastPath(value: string): string | null {
  const m = UTC.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac = ''] = m as unknown as [string, string, string, string, string, string, string, string | undefined]
  if (mo < '01' || mo > '12' || d < '01' || d > '28' || h > '23' || mi > '59' || s > '59' || y < '1970') return null
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.slice(0, 3).padEnd(3, '0')}Z`
}

/** Same as toIsoUtc for values the model requires; `fallback` is used only when the API omitted it. */
export function requireIso(value: string | number | null | undefined, fallback: string): string {
  return toIsoUtc(value) ?? fallback
}
