/**
 * Commit-range selection the way `GET …/commits` does it: everything reachable from `until`
 * (inclusive) that is not reachable from `since` (exclusive), newest first.
 */
import type {WCommit, WRepoDetail} from '../world/types.js'

export type Resolved = {hash: string} | {missing: string}

/** A branch name, `refs/heads/…`, or a full or abbreviated commit hash (at least 4 hex digits, unambiguous). */
export function resolveRef(detail: WRepoDetail, ref: string): string | null {
  const branchName = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref
  const branch = detail.branches.find((b) => b.name === branchName)
  if (branch) return branch.head
  if (!/^[0-9a-f]{4,40}$/i.test(ref)) return null
  const lower = ref.toLowerCase()
  const hits = detail.commits.filter((c) => c.hash.startsWith(lower))
  return hits.length === 1 ? (hits[0] as WCommit).hash : null
}

function reachable(byHash: Map<string, WCommit>, from: string[]): Set<string> {
  const seen = new Set<string>()
  const stack = [...from]
  while (stack.length > 0) {
    const hash = stack.pop() as string
    if (seen.has(hash)) continue
    seen.add(hash)
    for (const p of byHash.get(hash)?.parents ?? []) if (!seen.has(p)) stack.push(p)
  }
  return seen
}

/** Commits in `until` minus `since`, in the world's newest-first topological order. */
export function commitRange(detail: WRepoDetail, until: string[], since: string[]): WCommit[] {
  const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
  const include = reachable(byHash, until)
  const exclude = since.length > 0 ? reachable(byHash, since) : new Set<string>()
  return detail.commits.filter((c) => include.has(c.hash) && !exclude.has(c.hash))
}
