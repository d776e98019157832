import type {TargetedChange} from '../sync/targeted.js'

/**
 * What a delivery names, read from its event key and the few identifying fields of its payload
 * (repository, pull-request id). Nothing else of the payload is trusted: the change is refreshed
 * from the API. Event keys are those Bitbucket Cloud and Data Center send; any other is refused.
 */
const CLOUD_PR = new Set([
  'pullrequest:created', 'pullrequest:updated', 'pullrequest:push', 'pullrequest:approved', 'pullrequest:unapproved',
  'pullrequest:changes_request_created', 'pullrequest:changes_request_removed', 'pullrequest:fulfilled',
  'pullrequest:rejected', 'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted',
  'pullrequest:comment_resolved', 'pullrequest:comment_reopened',
])
const DC_PR = new Set([
  'pr:opened', 'pr:from_ref_updated', 'pr:to_ref_updated', 'pr:modified', 'pr:merged', 'pr:declined', 'pr:deleted',
  'pr:reviewer:updated', 'pr:reviewer:approved', 'pr:reviewer:unapproved', 'pr:reviewer:needs_work',
  'pr:reviewer:changes_requested', 'pr:comment:added', 'pr:comment:edited', 'pr:comment:deleted',
])
const PUSH = new Set(['repo:push', 'repo:refs_changed'])
const REPO_UPDATED = new Set(['repo:updated', 'repo:modified'])
/** Known keys that change nothing the store keeps: accepted and acknowledged, nothing applied. */
const IGNORED = new Set([
  'repo:fork', 'repo:created', 'repo:imported', 'repo:transfer', 'repo:commit_comment_created', 'repo:commit_status_created',
  'repo:commit_status_updated', 'issue:created', 'issue:updated', 'issue:comment_created', 'project:updated',
  'pipeline:span_created', 'repo:forked', 'repo:comment:added', 'repo:comment:edited', 'repo:comment:deleted',
  'repo:secret_detected', 'mirror:repo_synchronized', 'project:modified', 'diagnostics:ping',
])

export function isKnownEventKey(key: string): boolean {
  return CLOUD_PR.has(key) || DC_PR.has(key) || PUSH.has(key) || REPO_UPDATED.has(key) || IGNORED.has(key) || key === 'repo:deleted'
}

export interface ParsedDelivery {
  /** Repository key (workspace/slug or PROJECT/slug), or null when the event names none. */
  repo: string | null
  /** What to refresh; empty for known events the store does not keep. */
  changes: TargetedChange[]
}

type Json = Record<string, unknown>

const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)

/** Cloud: `repository.full_name`; DC: `repository.project.key` + `slug` (or the PR's target repository). */
function repoKey(payload: Json): string | null {
  const cloud = str(obj(payload.repository)?.full_name)
  if (cloud) return cloud
  const dcRepo = obj(payload.repository) ?? obj(obj(obj(payload.pullRequest)?.toRef)?.repository)
  const project = str(obj(dcRepo?.project)?.key)
  const slug = str(dcRepo?.slug)
  return project && slug ? `${project}/${slug}` : null
}

function prId(payload: Json): number | null {
  const id = (obj(payload.pullrequest) ?? obj(payload.pullRequest))?.id
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null
}

/** A parse failure: the payload does not name what its event key says it should. */
export class PayloadError extends Error {}

export function parseDelivery(eventKey: string, body: unknown, receivedAt: string): ParsedDelivery {
  const payload = obj(body)
  if (!payload) throw new PayloadError('the body is not a JSON object')
  if (IGNORED.has(eventKey)) return {repo: repoKey(payload), changes: []}
  const repo = repoKey(payload)
  if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new PayloadError(`a ${eventKey} payload without its repository`)
  if (CLOUD_PR.has(eventKey) || DC_PR.has(eventKey)) {
    const id = prId(payload)
    if (id === null) throw new PayloadError(`a ${eventKey} payload without its pull request id`)
    return {repo, changes: [{kind: 'pullRequest', repo, id}]}
  }
  // A push and a repository update both change the repository row; a push also its commits.
  if (PUSH.has(eventKey) || REPO_UPDATED.has(eventKey)) return {repo, changes: [{kind: 'push', repo}]}
  if (eventKey === 'repo:deleted') return {repo, changes: [{kind: 'repoDeleted', repo, at: receivedAt}]}
  throw new PayloadError(`unknown event key ${eventKey}`)
}
