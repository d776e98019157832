/**
 * Cloud webhook payloads for the world's flavour-neutral events: `repo:push` with `push.changes`,
 * `pullrequest:*` with `actor`, `pullrequest`, `repository` (plus `approval` / `changes_request` /
 * `comment` where Cloud adds them). The actor is whoever the world recorded doing it.
 */
import type {ServerState} from '../server/types.js'
import type {MutationResult, WActivityKind, WPullRequest, WRepo, World} from '../world/types.js'
import {activityEntry} from './activity.js'
import {accountByKey, api, repository} from './render.js'
import {commit} from './render-code.js'
import {pullRequest} from './render-pr.js'
import {cloudTime} from './time.js'

type WorldEvent = MutationResult['events'][number]

/** Cloud cannot delete a pull request, so it has no event for one. */
const EVENT_KEYS: Partial<Record<WorldEvent['kind'], string>> = {
  push: 'repo:push',
  'pr.created': 'pullrequest:created',
  'pr.updated': 'pullrequest:updated',
  'pr.approved': 'pullrequest:approved',
  'pr.changes_requested': 'pullrequest:changes_request_created',
  'pr.comment': 'pullrequest:comment_created',
  'pr.merged': 'pullrequest:fulfilled',
  'pr.declined': 'pullrequest:rejected',
  'repo.created': 'repo:created',
  'repo.deleted': 'repo:deleted',
}

const ACTIVITY_OF: Partial<Record<WorldEvent['kind'], WActivityKind>> = {
  'pr.approved': 'approval',
  'pr.changes_requested': 'changes_request',
  'pr.comment': 'comment',
  'pr.merged': 'update',
  'pr.declined': 'update',
  'pr.updated': 'update',
}

/** A repository that no longer exists (repo:deleted) is described from its key alone. */
function repoJson(origin: string, world: World, key: string, repo: WRepo | undefined): Record<string, unknown> {
  if (repo) return repository(origin, world, repo)
  const [container = '', slug = ''] = key.split('/')
  return {type: 'repository', full_name: key, name: slug, workspace: {type: 'workspace', slug: container}}
}

export function webhookPayload(event: WorldEvent, world: World, state: ServerState): {eventKey: string; payload: unknown} | null {
  const eventKey = EVENT_KEYS[event.kind]
  if (!eventKey) return null
  const origin = state.origin
  const repo = world.repo(event.repo)
  const repositoryJson = repoJson(origin, world, event.repo, repo)
  if (!repo || event.kind === 'repo.created' || event.kind === 'repo.deleted') {
    return {eventKey, payload: {actor: accountByKey(origin, world, world.users()[0]?.uuid ?? null), repository: repositoryJson}}
  }
  const detail = world.detail(event.repo)
  if (event.kind === 'push') {
    const push = pushChanges(origin, world, state, repo, event.repo)
    return push ? {eventKey, payload: {actor: accountByKey(origin, world, push.actor), repository: repositoryJson, push: {changes: push.changes}}} : null
  }
  const pr = detail.pullRequests.find((p) => p.id === event.pullRequest)
  if (!pr) return null
  const heads = new Map(detail.branches.map((b) => [b.name, b.head]))
  const kind = ACTIVITY_OF[event.kind]
  const act = kind ? [...pr.activity].reverse().find((a) => a.kind === kind) : undefined
  const payload: Record<string, unknown> = {
    actor: accountByKey(origin, world, act?.user ?? pr.author),
    pullrequest: pullRequest(origin, world, repo, pr, heads),
    repository: repositoryJson,
  }
  if (act && event.kind === 'pr.approved') payload.approval = {date: cloudTime(act.at), user: accountByKey(origin, world, act.user)}
  if (act && event.kind === 'pr.changes_requested') payload.changes_request = {date: cloudTime(act.at), user: accountByKey(origin, world, act.user)}
  if (act && event.kind === 'pr.comment') payload.comment = commentOf(origin, world, repo, pr, act)
  return {eventKey, payload}
}

/** Cloud lists at most this many commits per ref change, newest first, and sets `truncated` past it. */
const PUSH_COMMITS = 5

/**
 * `push.changes` for the refs that moved since the heads recorded before the mutation (the admin API
 * records them); one mutation can raise several push events, and only the first has anything to report.
 */
function pushChanges(origin: string, world: World, state: ServerState, repo: WRepo, key: string): {actor: string | null; changes: unknown[]} | null {
  const before = state.scratch.get(`headsBefore:${key}`) as Map<string, string> | undefined
  if (!before) return null
  const detail = world.detail(key)
  const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
  const existed = state.scratch.get(`commitsBefore:${key}`) as Set<string> | undefined
  const full = `${repo.container}/${repo.slug}`
  const ref = (name: string, hash: string) => {
    const c = byHash.get(hash)
    return {
      type: 'branch', name, target: c ? commit(origin, world, repo, c) : {type: 'commit', hash},
      links: {self: {href: `${api(origin)}/repositories/${full}/refs/branches/${name}`}, html: {href: `${origin}/${full}/branch/${name}`}},
    }
  }
  const changes: unknown[] = []
  let actor: string | null = null
  for (const b of detail.branches) {
    const old = before.get(b.name)
    if (old === b.head) continue
    // The commits new to this ref: from the new head down (first parents) to the old one.
    const pushed = []
    let c = byHash.get(b.head)
    for (; c && c.hash !== old && !existed?.has(c.hash) && pushed.length <= 1000; c = byHash.get(c.parents[0] ?? '')) pushed.push(c)
    // The walk stopped short of the old head (at history older than the push, or its end): a rewrite.
    const forced = old !== undefined && c?.hash !== old && pushed.length <= 1000
    actor ??= pushed[0]?.author ?? null
    changes.push({
      old: old ? ref(b.name, old) : null,
      new: ref(b.name, b.head),
      created: !old, forced, closed: false,
      truncated: pushed.length > PUSH_COMMITS,
      commits: pushed.slice(0, PUSH_COMMITS).map((c) => commit(origin, world, repo, c)),
      links: {
        commits: {href: `${api(origin)}/repositories/${full}/commits?include=${b.head}${old ? `&exclude=${old}` : ''}`},
        html: {href: `${origin}/${full}/branches/compare/${b.head}..${old ?? ''}`},
      },
    })
  }
  for (const [name, head] of before) {
    if (!detail.branches.some((b) => b.name === name)) changes.push({old: ref(name, head), new: null, created: false, forced: false, closed: true, truncated: false, commits: [], links: {}})
  }
  // Reported once per mutation.
  state.scratch.delete(`headsBefore:${key}`)
  state.scratch.delete(`commitsBefore:${key}`)
  return changes.length ? {actor: actor ?? world.users()[0]?.uuid ?? null, changes} : null
}

function commentOf(origin: string, world: World, repo: WRepo, pr: WPullRequest, act: WPullRequest['activity'][number]): unknown {
  return (activityEntry(origin, world, repo, pr, act) as {comment: unknown}).comment
}
