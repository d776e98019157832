import {UsageError} from '../errors.js'

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

/** "15m", "1h", "90s", "1h30m" → milliseconds; at least a second. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.trim().matchAll(/(\d+)\s*([smhd])/g)]
  const joined = parts.map((p) => p[0]).join('')
  if (parts.length === 0 || joined.replace(/\s/g, '') !== text.replace(/\s/g, '')) {
    throw new UsageError(`Invalid ${flag} "${text}": expected a duration such as 90s, 15m, 1h or 1h30m.`, {code: 'bad_duration'})
  }
  const ms = parts.reduce((n, p) => n + Number(p[1]) * UNITS[p[2]!]!, 0)
  if (ms < 1000) throw new UsageError(`Invalid ${flag} "${text}": must be at least 1s.`, {code: 'bad_duration'})
  return ms
}
