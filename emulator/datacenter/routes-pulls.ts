/** Pull requests, their activities and participants. */
import type {EmuRequest, EmuResponse, Route, RouteContext} from '../server/types.js'
import type {WPullRequest, WRepo, WRepoDetail} from '../world/types.js'
import {activities} from './activities.js'
import {NO_SUCH_PULL_REQUEST, badRequest, notFound} from './errors.js'
import {isResponse, repoParam} from './lookup.js'
import {pagedResponse} from './paging.js'
import {dcState, ms, renderAuthor, renderParticipant, renderPullRequest} from './render.js'
import {REPO, api, ok} from './route-kit.js'

const STATES = ['OPEN', 'DECLINED', 'MERGED', 'ALL']

function withPull(ctx: RouteContext): {repo: WRepo; detail: WRepoDetail; pr: WPullRequest} | EmuResponse {
  const repo = repoParam(ctx)
  if (isResponse(repo)) return repo
  const raw = ctx.params.pullRequestId ?? ''
  const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
  const pr = /^\d+$/.test(raw) ? detail.pullRequests.find((p) => p.id === Number(raw)) : undefined
  if (!pr) return notFound(`Pull request ${raw} does not exist in ${repo.container}/${repo.slug}.`, NO_SUCH_PULL_REQUEST)
  return {repo, detail, pr}
}

function listPulls(req: EmuRequest, ctx: RouteContext): EmuResponse {
  const repo = repoParam(ctx)
  if (isResponse(repo)) return repo
  const state = (req.query.get('state') ?? 'OPEN').toUpperCase()
  if (!STATES.includes(state)) return badRequest(`Invalid state ${state}: must be one of ${STATES.join(', ')}.`)
  const order = (req.query.get('order') ?? 'NEWEST').toUpperCase()
  if (order !== 'NEWEST' && order !== 'OLDEST') return badRequest(`Invalid order ${order}: must be NEWEST or OLDEST.`)
  const at = req.query.get('at')
  const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
  const selected = detail.pullRequests
    .filter((p) => state === 'ALL' || dcState(p.state) === state)
    .filter((p) => !at || `refs/heads/${p.targetBranch}` === at || p.targetBranch === at)
    // NEWEST orders by last update, most recent first; OLDEST is its reverse.
    .sort((a, b) => ms(b.updatedAt) - ms(a.updatedAt) || b.id - a.id)
  if (order === 'OLDEST') selected.reverse()
  return pagedResponse(req.query, selected, (p) => renderPullRequest(ctx.world, repo, p, detail.branches, req.origin))
}

export const pullRoutes: Route[] = [
  ...api('GET', `${REPO}/pull-requests`, {scopes: ['REPO_READ'], handler: listPulls}),

  ...api('GET', `${REPO}/pull-requests/:pullRequestId`, {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const found = withPull(ctx)
      if (isResponse(found)) return found
      return ok(renderPullRequest(ctx.world, found.repo, found.pr, found.detail.branches, req.origin))
    },
  }),

  ...api('GET', `${REPO}/pull-requests/:pullRequestId/activities`, {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const found = withPull(ctx)
      if (isResponse(found)) return found
      return pagedResponse(req.query, activities(ctx.world, found.repo, found.pr, req.origin), (a) => a)
    },
  }),

  ...api('GET', `${REPO}/pull-requests/:pullRequestId/participants`, {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const found = withPull(ctx)
      if (isResponse(found)) return found
      const {pr} = found
      // The author comes first, then reviewers, then other participants — DC's own order.
      const all = [
        renderAuthor(ctx.world, pr, req.origin),
        ...pr.participants.filter((p) => p.role === 'REVIEWER').map((p) => renderParticipant(ctx.world, p, pr.sourceCommit, req.origin)),
        ...pr.participants.filter((p) => p.role === 'PARTICIPANT').map((p) => renderParticipant(ctx.world, p, pr.sourceCommit, req.origin)),
      ]
      return pagedResponse(req.query, all, (p) => p)
    },
  }),
]
