/**
 * Cloud webhook payloads for the world's flavour-neutral events: `repo:push` with `push.changes`,
 * `pullrequest:*` with `actor`, `pullrequest`, `repository` (plus `approval` / `changes_request` /
 * `comment` where Cloud adds them). The actor is whoever the world recorded doing it.
 */
import type {ServerState} from '../server/types.js'
import type {MutationResult, WActivityKind, WPullRequest, WRepo, World} from '../world/types.js'
import {activityEntry} from './activity.js'
import {accountByKey, repository} from './render.js'
import {commit} from './render-code.js'
import {pullRequest} from './render-pr.js'
import {cloudTime} from './time.js'

type WorldEvent = MutationResult['events'][number]

const EVENT_KEYS: Record<WorldEvent['kind'], string> = {
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
    const head = detail.commits[0]
    const branchName = detail.branches.find((b) => b.head === head?.hash)?.name ?? repo.defaultBranch ?? 'main'
    const branchCommits = head ? [head] : []
    const actor = head?.author ?? world.users()[0]?.uuid ?? null
    const target = head ? commit(origin, world, repo, head) : null
    return {
      eventKey,
      payload: {
        actor: accountByKey(origin, world, actor),
        repository: repositoryJson,
        push: {
          changes: [{
            new: target ? {type: 'branch', name: branchName, target} : null,
            old: head && head.parents[0] ? {type: 'branch', name: branchName, target: {type: 'commit', hash: head.parents[0]}} : null,
            created: !head?.parents.length,
            forced: false,
            closed: false,
            truncated: false,
            commits: branchCommits.map((c) => commit(origin, world, repo, c)),
          }],
        },
      },
    }
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

function commentOf(origin: string, world: World, repo: WRepo, pr: WPullRequest, act: WPullRequest['activity'][number]): unknown {
  return (activityEntry(origin, world, repo, pr, act) as {comment: unknown}).comment
}
