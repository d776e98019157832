/**
 * Cursor for a listing that spans several containers (every workspace / every project): which container
 * to resume in and, inside it, the page link (null = from its first page). JSON keeps it opaque and safe.
 */
export function encodeMultiCursor(container: string, next: string | null): string {
  return JSON.stringify({c: container, n: next})
}

export function decodeMultiCursor(cursor: string | null | undefined): {container: string; next: string | null} | null {
  if (!cursor) return null
  try {
    const parsed = JSON.parse(cursor) as {c?: unknown; n?: unknown}
    if (typeof parsed.c !== 'string') return null
    return {container: parsed.c, next: typeof parsed.n === 'string' ? parsed.n : null}
  } catch {
    return null
  }
}
