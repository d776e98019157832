import {CursorUnusableError} from '../../http/cursor-link.js'

/**
 * DC's commit listing takes one `until` and one `since`, while the engine asks for "reachable from
 * any of these heads, not from any of those". So each head gets its own walk: the first head walks
 * `until=h0` alone, every later head `until=hi&since=h0` (whatever is reachable from h0 the first walk
 * already covers).
 *
 * Exclusions are honoured by a frontier inside each walk (see CommitFrontier): a commit that is an
 * excluded head, or was returned by an earlier walk, marks its parents as known; a walk ends early
 * once every parent it still owes is known. An incremental walk over a branch that moved from `e` to
 * `h` therefore costs one request, without the engine having to pair heads with their old values.
 *
 * Cost: one walk (at least one request) per head; a full sync pays for each branch's commits that are
 * not on the first head, once.
 */
export interface CommitWalk {
  until: string
  since: string | null
}

export function planCommitWalks(include: readonly string[], exclude: readonly string[]): CommitWalk[] {
  const excluded = new Set(exclude)
  const heads = [...new Set(include.filter((h) => h && !excluded.has(h)))]
  return heads.map((until, i) => ({until, since: i === 0 ? null : heads[0]!}))
}

/**
 * Tracks one walk: `known` commits (excluded, or covered by an earlier walk) pass their status to
 * their parents; `owed` are parents of returned commits not yet visited. When every owed commit is
 * known, nothing new can follow: any unvisited ancestor is reached only through a known commit.
 * This holds in any listing order; out-of-order listings only cost repeats, never gaps.
 */
export class CommitFrontier {
  private readonly owed = new Set<string>()
  private readonly visited = new Set<string>()

  private head: string | null

  constructor(private readonly known: Set<string>, head: string) {
    this.head = head
    if (!known.has(head)) this.owed.add(head)
  }

  /** Visit one listed commit; true when it is new (to be returned). */
  visit(hash: string, parents: readonly string[]): boolean {
    // The listing starts at `until`, which may be a branch name rather than the hash.
    if (this.head !== null) {
      this.owed.delete(this.head)
      this.head = null
    }
    this.visited.add(hash)
    this.owed.delete(hash)
    if (this.known.has(hash)) {
      for (const p of parents) this.known.add(p)
      return false
    }
    this.known.add(hash)
    for (const p of parents) if (!this.visited.has(p)) this.owed.add(p)
    return true
  }

  /** Nothing more can be new. */
  resolved(): boolean {
    for (const p of this.owed) if (!this.known.has(p)) return false
    return true
  }
}

export function encodeWalkCursor(walk: number, start: string | null): string {
  return JSON.stringify({w: walk, s: start})
}

/** Throws CursorUnusableError for a cursor that is not one of ours: the walk then starts over, and says so. */
export function decodeWalkCursor(cursor: string | null | undefined): {walk: number; start: string | null} | null {
  if (!cursor) return null
  let parsed: {w?: unknown; s?: unknown}
  try {
    parsed = JSON.parse(cursor) as {w?: unknown; s?: unknown}
  } catch {
    throw new CursorUnusableError('not a commit walk position')
  }
  if (typeof parsed?.w !== 'number' || !Number.isInteger(parsed.w) || parsed.w < 0) throw new CursorUnusableError('not a commit walk position')
  return {walk: parsed.w, start: typeof parsed.s === 'string' ? parsed.s : null}
}
