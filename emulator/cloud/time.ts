/** Cloud renders timestamps with microseconds and an explicit offset: 2026-01-02T03:04:05.123000+00:00. */
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

export function cloudTime(iso: string | null | undefined): string | null {
  if (!iso) return null
  // The world keeps canonical toISOString() times: no need to parse them again.
  if (iso.length === 24 && CANONICAL.test(iso)) return `${iso.slice(0, 23)}000+00:00`
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00')
}

/**
 * Git author dates on Cloud have no fraction and carry the author's own offset:
 * 2026-01-02T03:04:05+00:00, or 2026-01-02T08:34:05+05:30 for a commit made at +0530.
 */
export function gitTime(iso: string, tz = '+0000'): string {
  if (tz === '+0000' || tz === '-0000') {
    if (iso.length === 24 && CANONICAL.test(iso)) return `${iso.slice(0, 19)}+00:00`
    return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00')
  }
  const sign = tz.startsWith('-') ? -1 : 1
  const minutes = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)))
  const local = new Date(Date.parse(iso) + minutes * 60_000).toISOString().slice(0, 19)
  return `${local}${tz.slice(0, 3)}:${tz.slice(3, 5)}`
}
