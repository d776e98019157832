/** The world's clock: generated history lies before the start time; each mutation moves it on. */

/** Default start of the logical clock; every generated timestamp is earlier. */
export const DEFAULT_START = '2026-06-01T00:00:00.000Z'
/** How far one mutation moves the clock (a push of n commits moves it n − 1 seconds further). */
export const MUTATION_STEP_MS = 60_000
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * `new Date(ms).toISOString()` for years 1970–9999, several times faster: the large dataset formats
 * about ten thousand timestamps per repository. Civil-from-days after Howard Hinnant.
 */
/** Git stores commit times in whole seconds. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

export function iso(ms: number): string {
  const days = Math.floor(ms / DAY)
  let rest = ms - days * DAY
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const hours = Math.floor(rest / HOUR)
  rest -= hours * HOUR
  const minutes = Math.floor(rest / MINUTE)
  rest -= minutes * MINUTE
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}Z`
}
