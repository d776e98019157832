/**
 * A pull request's activity stream as DC reports it: newest first, with OPENED at creation, RESCOPED
 * for pushes to the source branch and MERGED/DECLINED at close. DC has no "changes requested" action:
 * setting NEEDS_WORK is a REVIEWED activity, and withdrawing it (back to UNAPPROVED) an UNAPPROVED one.
 */
import type {WActivity, WPullRequest, WRepo, World} from '../world/types.js'
import {dcState, ms, renderUserKey} from './render.js'

type Json = Record<string, unknown>

interface Entry {
  at: string
  user: string
  action: string
  extra: Json
}

function fromWorld(a: WActivity, pr: WPullRequest, repo: WRepo, opened: boolean): Entry {
  const base = {at: a.at, user: a.user}
  switch (a.kind) {
    case 'approval':
      return {...base, action: 'APPROVED', extra: {}}
    case 'unapproval':
    case 'changes_request_removed':
      return {...base, action: 'UNAPPROVED', extra: {}}
    case 'changes_request':
      return {...base, action: 'REVIEWED', extra: {}}
    case 'comment':
      return {...base, action: 'COMMENTED', extra: {commentAction: 'ADDED', comment: {id: pr.id * 10_000 + a.id, version: 0, text: a.text ?? '', createdDate: ms(a.at), updatedDate: ms(a.at), comments: [], tasks: [], properties: {repositoryId: repo.numericId}}}}
    case 'update': {
      const state = a.state ? dcState(a.state) : 'OPEN'
      if (state === 'MERGED') return {...base, action: 'MERGED', extra: pr.mergeCommit ? {commit: {id: pr.mergeCommit, displayId: pr.mergeCommit.slice(0, 11)}} : {}}
      if (state === 'DECLINED') return {...base, action: 'DECLINED', extra: {}}
      // The world logs the opening as its first OPEN update; later ones are pushes to the source branch.
      return opened ? {...base, action: 'RESCOPED', extra: {}} : {...base, action: 'OPENED', extra: {}}
    }
  }
}

/** Every activity of the PR, newest first, with ids stable under appends (numbered oldest first). */
export function activities(world: World, repo: WRepo, pr: WPullRequest, origin: string): Json[] {
  const sorted = [...pr.activity].sort((x, y) => ms(x.at) - ms(y.at) || x.id - y.id)
  // A world without an opening entry still gets DC's OPENED at creation.
  const entries: Entry[] = sorted.some((a) => a.kind === 'update' && (a.state ?? 'OPEN') === 'OPEN') ? [] : [{at: pr.createdAt, user: pr.author, action: 'OPENED', extra: {}}]
  for (const a of sorted) entries.push(fromWorld(a, pr, repo, entries.some((e) => e.action === 'OPENED')))
  const state = dcState(pr.state)
  if (state !== 'OPEN' && pr.closedAt && !entries.some((e) => e.action === state)) {
    entries.push({at: pr.closedAt, user: pr.author, action: state, extra: state === 'MERGED' && pr.mergeCommit ? {commit: {id: pr.mergeCommit, displayId: pr.mergeCommit.slice(0, 11)}} : {}})
  }
  const rendered = entries.map((e, i) => {
    const user = renderUserKey(world, e.user, origin)
    const extra = e.action === 'COMMENTED' ? {...e.extra, comment: {...(e.extra.comment as Json), author: user}} : e.extra
    return {id: pr.id * 100_000 + i + 1, createdDate: ms(e.at), user, action: e.action, ...extra}
  })
  return rendered.reverse()
}
