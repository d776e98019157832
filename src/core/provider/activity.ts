import type {PullRequest} from '../model.js'
import type {ActivityRecord} from './types.js'

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
