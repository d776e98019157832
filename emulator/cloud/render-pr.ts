/** World → Cloud 2.0 JSON for pull requests: 12-character hashes and microsecond times, as Cloud sends. */
import type {WParticipant, WPullRequest, WRepo, World} from '../world/types.js'
import {accountByKey, api, escapeHtml, link, repositoryRef} from './render.js'
import {cloudTime} from './time.js'

const short = (hash: string | null) => (hash ? hash.slice(0, 12) : null)

export function participant(origin: string, world: World, p: WParticipant): Record<string, unknown> {
  return {
    type: 'participant',
    user: accountByKey(origin, world, p.user),
    role: p.role,
    approved: p.state === 'approved',
    state: p.state,
    participated_on: cloudTime(p.participatedOn),
  }
}

/** Who closed a PR: the user of the last update that moved it out of OPEN. */
export function closedBy(pr: WPullRequest): string | null {
  if (pr.state === 'OPEN') return null
  const update = [...pr.activity].reverse().find((a) => a.kind === 'update' && a.state === pr.state)
  return update?.user ?? null
}

export function pullRequest(origin: string, world: World, r: WRepo, pr: WPullRequest, heads: Map<string, string>): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/pullrequests/${pr.id}`
  // An endpoint without a known commit omits `commit` (the schema has no null there).
  const endpoint = (branchName: string, hash: string | null | undefined) => ({
    branch: {name: branchName},
    ...(hash ? {commit: {hash: short(hash)}} : {}),
    repository: repositoryRef(origin, r),
  })
  const reviewers = pr.participants.filter((p) => p.role === 'REVIEWER').map((p) => accountByKey(origin, world, p.user)).filter(Boolean)
  return {
    type: 'pullrequest',
    id: pr.id,
    title: pr.title,
    description: pr.description,
    summary: {raw: pr.description, markup: 'markdown', html: `<p>${escapeHtml(pr.description)}</p>`},
    rendered: {
      title: {raw: pr.title, markup: 'markdown', html: `<p>${escapeHtml(pr.title)}</p>`},
      description: {raw: pr.description, markup: 'markdown', html: `<p>${escapeHtml(pr.description)}</p>`},
    },
    state: pr.state,
    author: accountByKey(origin, world, pr.author),
    source: endpoint(pr.sourceBranch, pr.sourceCommit),
    destination: endpoint(pr.targetBranch, heads.get(pr.targetBranch)),
    merge_commit: pr.mergeCommit ? {hash: short(pr.mergeCommit)} : null,
    comment_count: pr.commentCount,
    task_count: 0,
    close_source_branch: false,
    closed_by: accountByKey(origin, world, closedBy(pr)),
    reason: '',
    created_on: cloudTime(pr.createdAt),
    updated_on: cloudTime(pr.updatedAt),
    reviewers,
    participants: pr.participants.map((p) => participant(origin, world, p)),
    draft: false,
    queued: false,
    links: {
      self: link(base),
      html: link(`${origin}/${full}/pull-requests/${pr.id}`),
      commits: link(`${base}/commits`),
      approve: link(`${base}/approve`),
      diff: link(`${base}/diff`),
      diffstat: link(`${base}/diffstat`),
      comments: link(`${base}/comments`),
      activity: link(`${base}/activity`),
      merge: link(`${base}/merge`),
      decline: link(`${base}/decline`),
    },
  }
}

/** The trimmed PR object Cloud nests in activity entries and webhook payloads. */
export function pullRequestRef(origin: string, r: WRepo, pr: WPullRequest): Record<string, unknown> {
  const full = `${r.container}/${r.slug}`
  const base = `${api(origin)}/repositories/${full}/pullrequests/${pr.id}`
  return {type: 'pullrequest', id: pr.id, title: pr.title, links: {self: link(base), html: link(`${origin}/${full}/pull-requests/${pr.id}`)}}
}
