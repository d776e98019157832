import type {Review} from '../model.js'
import type {ActivityRecord, PullRequestRecord} from '../provider/types.js'

/**
 * The PR list is authoritative for *who* holds *which* review state now (Cloud participants, DC
 * reviewers). *When* that state was set comes from activity: Cloud's `participated_on` moves with
 * every later comment, and DC gives no time at all. So activity is fetched for each changed PR
 * that has at least one review — a PR nobody reviewed costs nothing.
 */
export function needsActivity(record: PullRequestRecord): boolean {
  return record.reviews.length > 0
}

const SETTER: Record<Review['state'], ActivityRecord['kind']> = {
  APPROVED: 'approval',
  CHANGES_REQUESTED: 'changes_requested',
}

/** `at` of each review = the latest activity entry by that user that sets its state; else what the list said. */
export function mergeReviews(listed: Review[], activity: ActivityRecord[] | null): Review[] {
  const latest = new Map<string, string>()
  for (const a of activity ?? []) {
    if (!a.user || !a.at || (a.kind !== 'approval' && a.kind !== 'changes_requested')) continue
    const key = `${a.kind}\n${a.user}`
    const seen = latest.get(key)
    if (!seen || a.at > seen) latest.set(key, a.at)
  }
  const byUser = new Map<string, Review>()
  for (const r of listed) byUser.set(r.user, {...r, at: latest.get(`${SETTER[r.state]}\n${r.user}`) ?? r.at})
  return [...byUser.values()]
}
