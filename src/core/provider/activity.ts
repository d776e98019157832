import type {PullRequest} from '../model.js'
import type {ActivityRecord, PullRequestRecord} from './types.js'

/**
 * The exact close time of a closed PR: the latest `update` activity that left it in its final state.
 * Cloud's list only approximates it (updated_on); DC's closedDate is already exact. Returns the PR's
 * own value when the activity does not say.
 */
export function closedAtFromActivity(pullRequest: PullRequest, activity: readonly ActivityRecord[]): string | null {
  if (pullRequest.state === 'OPEN') return null
  let latest: string | null = null
  for (const a of activity) {
    if (a.kind === 'update' && a.state === pullRequest.state && a.at && (!latest || a.at > latest)) latest = a.at
  }
  return latest ?? pullRequest.closedAt
}

/** Entries per page of either activity listing (Cloud's maximum). */
export const ACTIVITY_PAGELEN = 50
/** Update entries (open, pushes, merge/decline) a PR's activity holds besides comments and reviews. */
export const UPDATES_PER_PR = 3

/**
 * Pages of the repository-level activity listing for `total` PRs, from a sample of listed PRs:
 * each PR's entries are its comments (the listing counts them), its reviews and a few updates.
 */
export function repositoryActivityPages(total: number, sample: readonly PullRequestRecord[]): number {
  if (sample.length === 0) return 1
  const entries = sample.reduce((n, r) => n + (r.pullRequest.commentCount ?? 0) + r.reviews.length + UPDATES_PER_PR, 0)
  return Math.max(1, Math.ceil(((entries / sample.length) * total) / ACTIVITY_PAGELEN))
}

/**
 * Whether one walk of the repository's activity (every PR's entries, newest first) costs fewer
 * requests than one activity listing per PR that needs it. Judged on the first page of a complete
 * PR listing: `total` PRs, of which the sample's `needing` share needs activity.
 */
export function preferRepositoryActivity(total: number, sample: readonly PullRequestRecord[], needing: number): boolean {
  if (sample.length === 0 || needing === 0) return false
  return repositoryActivityPages(total, sample) < (needing / sample.length) * total
}
