/**
 * PR activity as Cloud shapes it: one object per entry keyed by its kind (`approval`, `changes_request`,
 * `comment`, `update`) plus `pull_request`. Cloud forgets an approval once it is withdrawn, so
 * unapprovals and removed change requests delete the matching earlier entry instead of appearing.
 * Newest first.
 */
import type {WActivity, WPullRequest, WRepo, World} from '../world/types.js'
import {accountByKey, escapeHtml} from './render.js'
import {pullRequestRef} from './render-pr.js'
import {cloudTime} from './time.js'

export function visibleActivity(pr: WPullRequest): WActivity[] {
  const kept: WActivity[] = []
  for (const a of [...pr.activity].sort((x, y) => x.at.localeCompare(y.at) || x.id - y.id)) {
    if (a.kind === 'unapproval' || a.kind === 'changes_request_removed') {
      const undone = a.kind === 'unapproval' ? 'approval' : 'changes_request'
      const index = kept.map((k) => k.kind === undone && k.user === a.user).lastIndexOf(true)
      if (index >= 0) kept.splice(index, 1)
      continue
    }
    kept.push(a)
  }
  return kept.reverse()
}

export function activityEntry(origin: string, world: World, repo: WRepo, pr: WPullRequest, a: WActivity): Record<string, unknown> {
  const ref = pullRequestRef(origin, repo, pr)
  const user = accountByKey(origin, world, a.user)
  const at = cloudTime(a.at)
  const full = `${repo.container}/${repo.slug}`
  switch (a.kind) {
    case 'approval':
      return {approval: {date: at, pullrequest: ref, user}, pull_request: ref}
    case 'changes_request':
      return {changes_request: {date: at, pullrequest: ref, user}, pull_request: ref}
    case 'comment':
      return {
        comment: {
          type: 'pullrequest_comment',
          id: a.id,
          created_on: at,
          updated_on: at,
          content: {raw: a.text ?? '', markup: 'markdown', html: `<p>${escapeHtml(a.text ?? '')}</p>`},
          user,
          deleted: false,
          pending: false,
          pullrequest: ref,
          links: {
            self: {href: `${origin}/2.0/repositories/${full}/pullrequests/${pr.id}/comments/${a.id}`},
            html: {href: `${origin}/${full}/pull-requests/${pr.id}/_/diff#comment-${a.id}`},
          },
        },
        pull_request: ref,
      }
    default:
      return {
        update: {
          state: a.state ?? pr.state,
          date: at,
          author: user,
          title: pr.title,
          description: pr.description,
          reason: '',
          source: {branch: {name: pr.sourceBranch}, repository: {type: 'repository', full_name: full, uuid: repo.uuid, name: repo.name}},
          destination: {branch: {name: pr.targetBranch}, repository: {type: 'repository', full_name: full, uuid: repo.uuid, name: repo.name}},
          changes: {},
        },
        pull_request: ref,
      }
  }
}
