/** The world's clock: generated history lies before the start time; each mutation moves it on. */

/** Default start of the logical clock; every generated timestamp is earlier. */
export const DEFAULT_START = '2026-06-01T00:00:00.000Z'
/** How far one mutation moves the clock: wide enough for a push's commits to get distinct times. */
export const MUTATION_STEP_MS = 60_000
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
