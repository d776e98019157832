/**
 * Pull requests: the list answers only OPEN PRs unless `state` asks for others (repeatable), caps
 * `pagelen` at 50 (more is a 400, as on Cloud), leaves `participants`/`reviewers` out of list items
 * unless `fields=+values.participants` adds them, and understands `q=updated_on > "…"` and `sort`.
 */
import {CLOUD_PR_PAGELEN_MAX} from '../../world/limits.js'
import type {WPullRequest, WRepoDetail} from '../../world/types.js'
import {activityEntry, visibleActivity} from '../activity.js'
import {badRequest, notFound} from '../errors.js'
import {parseFields, wants} from '../fields.js'
import {isResponse, repoParam, route} from '../lookup.js'
import {iteratorPage, pageOf} from '../paging.js'
import {pullRequest} from '../render-pr.js'
import {cloudTime} from '../time.js'
import type {CloudRoute} from '../scopes.js'
import {filterSort} from './user.js'

const STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']
const PR_SCALARS = new Set(['id', 'title', 'description', 'state', 'created_on', 'updated_on'])

/**
 * Filtered and sorted PR lists per repository detail, keyed by everything that shapes them: every
 * page of one listing asks the same question. The world's clock moves with each mutation, so a
 * mutated PR is never served from an old list.
 */
const listings = new WeakMap<WRepoDetail, Map<string, WPullRequest[]>>()

export const pullRequestRoutes: CloudRoute[] = [
  route('GET', '/repositories/:workspace/:repo_slug/pullrequests', ['pullrequest'], ['read:pullrequest:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const requested = req.query.getAll('state').map((s) => s.toUpperCase())
    const bad = requested.find((s) => !STATES.includes(s))
    if (bad !== undefined) return badRequest(`Invalid state: ${bad}`)
    const states = new Set(requested.length ? requested : ['OPEN'])
    const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
    const heads = new Map(detail.branches.map((b) => [b.name, b.head]))
    const spec = parseFields(req.query.get('fields'))
    const keepParticipants = wants(spec, 'values.participants')
    const keepReviewers = wants(spec, 'values.reviewers')
    // Render lazily: without q/sort only the page's items are rendered (PR lists can be long).
    const cache = new Map<number, Record<string, unknown>>()
    const view = (pr: WPullRequest) => {
      let json = cache.get(pr.id)
      if (!json) cache.set(pr.id, (json = pullRequest(req.origin, ctx.world, repo, pr, heads)))
      return json
    }
    const listingKey = [ctx.world.now(), [...states].sort().join(','), req.query.get('q') ?? '', req.query.get('sort') ?? ''].join('\n')
    let lists = listings.get(detail)
    if (!lists) listings.set(detail, (lists = new Map()))
    let filtered = lists.get(listingKey)
    if (!filtered) {
      const selected = detail.pullRequests.filter((pr) => states.has(pr.state)).sort((a, b) => b.id - a.id)
      // q/sort on the usual scalar fields (updated_on, state, …) need not render whole PRs.
      const result = filterSort(req, selected, view, {fields: PR_SCALARS, view: (pr) => ({
        id: pr.id, title: pr.title, description: pr.description, state: pr.state,
        created_on: cloudTime(pr.createdAt), updated_on: cloudTime(pr.updatedAt),
      })})
      if (isResponse(result)) return result
      if (lists.size >= 16) lists.clear()
      lists.set(listingKey, (filtered = result))
    }
    return pageOf(req, filtered, (pr) => {
      const item = {...view(pr)}
      if (!keepParticipants) delete item.participants
      if (!keepReviewers) delete item.reviewers
      return item
    }, {maxPagelen: CLOUD_PR_PAGELEN_MAX})
  }),

  // The repository's activity across all its pull requests, newest first; each entry names its PR.
  route('GET', '/repositories/:workspace/:repo_slug/pullrequests/activity', ['pullrequest'], ['read:pullrequest:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const entries = ctx.world.detail(`${repo.container}/${repo.slug}`).pullRequests
      .flatMap((pr) => visibleActivity(pr).map((a) => ({pr, a})))
      .sort((x, y) => y.a.at.localeCompare(x.a.at) || y.pr.id - x.pr.id || y.a.id - x.a.id)
    const keyOf = (e: {pr: {id: number}; a: {id: number}}) => `${e.pr.id}.${e.a.id}`
    return iteratorPage(req, entries, (e) => activityEntry(req.origin, ctx.world, repo, e.pr, e.a), {
      maxPagelen: CLOUD_PR_PAGELEN_MAX,
      param: 'ctx',
      cursorOf: (e) => Buffer.from(keyOf(e)).toString('base64url'),
      startAt: (cursor) => {
        const key = Buffer.from(cursor, 'base64url').toString('utf8')
        return entries.findIndex((e) => keyOf(e) === key)
      },
    })
  }),

  route('GET', '/repositories/:workspace/:repo_slug/pullrequests/:pull_request_id', ['pullrequest'], ['read:pullrequest:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
    const pr = detail.pullRequests.find((p) => String(p.id) === ctx.params.pull_request_id)
    if (!pr) return notFound(`Pull request ${ctx.params.pull_request_id ?? ''} not found`)
    const heads = new Map(detail.branches.map((b) => [b.name, b.head]))
    return {status: 200, body: pullRequest(req.origin, ctx.world, repo, pr, heads)}
  }),

  route('GET', '/repositories/:workspace/:repo_slug/pullrequests/:pull_request_id/activity', ['pullrequest'], ['read:pullrequest:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const pr = ctx.world.detail(`${repo.container}/${repo.slug}`).pullRequests.find((p) => String(p.id) === ctx.params.pull_request_id)
    if (!pr) return notFound(`Pull request ${ctx.params.pull_request_id ?? ''} not found`)
    const entries = visibleActivity(pr)
    // Activity pages by an opaque `ctx` cursor (no size/page), like Cloud.
    return iteratorPage(req, entries, (a) => activityEntry(req.origin, ctx.world, repo, pr, a), {
      maxPagelen: CLOUD_PR_PAGELEN_MAX,
      param: 'ctx',
      cursorOf: (a) => Buffer.from(`a${a.id}`).toString('base64url'),
      startAt: (cursor) => {
        const id = Number(Buffer.from(cursor, 'base64url').toString('utf8').slice(1))
        return entries.findIndex((a) => a.id === id)
      },
    })
  }),
]
