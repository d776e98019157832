/**
 * A pull request's review history: comments, approvals, change requests and state updates, with
 * participants whose current state is the replay of that history. Each person's comments precede
 * their review actions, so a reviewer's last activity is the one that set their state (Cloud's
 * `participated_on` then equals the review time, whichever way a client reads it).
 */
import type {Rng} from './prng.js'
import {comment} from './text.js'
import {iso} from './time.js'
import type {WActivity, WActivityKind, WParticipant, WParticipantState, WPullRequest, WUser} from './types.js'

type Script = WActivityKind[]

const REVIEW_SCRIPTS: ReadonlyArray<readonly [Script, number]> = [
  [['approval'], 50],
  [['changes_request', 'approval'], 15],
  [['changes_request'], 10],
  [['approval', 'unapproval'], 6],
  [['changes_request', 'changes_request_removed'], 4],
  [[], 15],
]

/** Every reviewer asks for changes (some approve afterwards): the shape that makes review times dear. */
const CHANGE_REQUEST_SCRIPTS: ReadonlyArray<readonly [Script, number]> = [
  [['changes_request'], 60],
  [['changes_request', 'approval'], 40],
]

const COMMENT_COUNTS: ReadonlyArray<readonly [number, number]> = [[0, 35], [1, 25], [2, 20], [3, 12], [5, 8]]

export interface ReviewPlan {
  author: WUser
  team: readonly WUser[]
  state: WPullRequest['state']
  openAt: number
  /** Close time, or the end of the history for open PRs. */
  untilAt: number
  closed: boolean
  /** Times of pushes to the source branch after the PR opened (each an `update`). */
  pushes: readonly number[]
  longDiscussion: boolean
  /** Reviewers request changes (adversarial datasets). */
  changeRequests?: boolean
}

export interface ReviewHistory {
  activity: WActivity[]
  participants: WParticipant[]
  commentCount: number
  updatedAt: number
  /** Who closed it (merge/decline/supersede), for the merge commit's author. */
  closedBy: WUser
  /** Display names of approvers at close, for the merge commit message. */
  approvers: string[]
}

/** Next state of one participant after an activity entry; undefined for entries that set no state. */
export function stateAfter(kind: WActivityKind, current: WParticipantState): WParticipantState | undefined {
  switch (kind) {
    case 'approval': return 'approved'
    case 'unapproval': return current === 'approved' ? null : current
    case 'changes_request': return 'changes_requested'
    case 'changes_request_removed': return current === 'changes_requested' ? null : current
    default: return undefined
  }
}

interface Draft {
  kind: WActivityKind
  user: WUser
  at: number
  text?: string
  state?: WPullRequest['state']
}

export function buildReviewHistory(rng: Rng, plan: ReviewPlan): ReviewHistory {
  const others = plan.team.filter((u) => u.uuid !== plan.author.uuid)
  const reviewers = rng.sample(others, rng.range(0, Math.min(3, others.length)))
  const bystanders = others.filter((u) => !reviewers.includes(u))
  const scripts = new Map<WUser, Script>()
  for (const r of reviewers) scripts.set(r, [...rng.weighted(plan.changeRequests ? CHANGE_REQUEST_SCRIPTS : REVIEW_SCRIPTS)])
  // Anyone may approve on Cloud, not only listed reviewers.
  if (bystanders.length > 0 && rng.chance(0.1)) scripts.set(rng.pick(bystanders), ['approval'])

  const comments = new Map<WUser, number>()
  const commenters = [plan.author, ...reviewers, ...bystanders]
  const commentTotal = plan.longDiscussion ? 55 : rng.weighted(COMMENT_COUNTS)
  for (let i = 0; i < commentTotal; i++) {
    const who = rng.pick(commenters)
    comments.set(who, (comments.get(who) ?? 0) + 1)
  }

  const lo = plan.openAt + 1
  const hi = Math.max(lo, plan.untilAt - 1)
  const drafts: Draft[] = [{kind: 'update', user: plan.author, at: plan.openAt, state: 'OPEN'}]
  for (const at of plan.pushes) drafts.push({kind: 'update', user: plan.author, at, state: 'OPEN'})
  for (const user of commenters) {
    const kinds: WActivityKind[] = [...Array<WActivityKind>(comments.get(user) ?? 0).fill('comment'), ...(scripts.get(user) ?? [])]
    if (kinds.length === 0) continue
    const times = kinds.map(() => rng.range(lo, hi)).sort((a, b) => a - b)
    kinds.forEach((kind, i) => {
      const draft: Draft = {kind, user, at: times[i] as number}
      if (kind === 'comment') draft.text = comment(rng)
      drafts.push(draft)
    })
  }

  let closedBy = plan.author
  if (plan.closed) {
    if (plan.state === 'MERGED') {
      const approvers = reviewers.filter((r) => (scripts.get(r) ?? []).at(-1) === 'approval')
      closedBy = approvers.length > 0 && rng.chance(0.5) ? rng.pick(approvers) : plan.author
    } else if (plan.state === 'DECLINED' && reviewers.length > 0 && rng.chance(0.4)) {
      closedBy = rng.pick(reviewers)
    }
    drafts.push({kind: 'update', user: closedBy, at: plan.untilAt, state: plan.state})
  }

  // Stable sort keeps each person's own order when two entries share a millisecond.
  drafts.sort((a, b) => a.at - b.at)
  const activity: WActivity[] = drafts.map((d, i) => {
    const entry: WActivity = {id: i + 1, kind: d.kind, user: d.user.uuid, at: iso(d.at)}
    if (d.text !== undefined) entry.text = d.text
    if (d.state !== undefined) entry.state = d.state
    return entry
  })

  const participants = participantsFrom(activity, plan.author.uuid, reviewers.map((r) => r.uuid))
  const byUuid = new Map(plan.team.map((u) => [u.uuid, u]))
  const approvers = participants.filter((p) => p.state === 'approved').map((p) => byUuid.get(p.user)?.displayName ?? p.user)
  const last = drafts[drafts.length - 1] as Draft
  return {
    activity,
    participants,
    commentCount: drafts.filter((d) => d.kind === 'comment').length,
    updatedAt: Math.max(plan.openAt, last.at),
    closedBy,
    approvers,
  }
}

/**
 * Participants as Bitbucket reports them: listed reviewers first, then everyone else (but the
 * author) who commented or reviewed; state and `participatedOn` replayed from the activity.
 */
export function participantsFrom(activity: readonly WActivity[], author: string, reviewers: readonly string[]): WParticipant[] {
  const byUser = new Map<string, WParticipant>()
  for (const user of reviewers) byUser.set(user, {user, role: 'REVIEWER', state: null, participatedOn: null})
  for (const entry of activity) {
    if (entry.user === author || entry.kind === 'update') continue
    let p = byUser.get(entry.user)
    if (!p) {
      p = {user: entry.user, role: 'PARTICIPANT', state: null, participatedOn: null}
      byUser.set(entry.user, p)
    }
    const next = stateAfter(entry.kind, p.state)
    if (next !== undefined) p.state = next
    p.participatedOn = entry.at
  }
  return [...byUser.values()]
}
