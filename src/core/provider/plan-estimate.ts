import type {PlanRange, Provider, RepoPlan, RepoPlanInput} from './types.js'
import {emptyRepoPlan, exactly} from './types.js'

/**
 * How many of `total` items have a property, from a sample of the first `sampled` of which `hits`
 * had it: exact when the sample is everything, else the sample's share with a 95% normal interval
 * (finite-population corrected), never below what was seen nor above what the rest could add.
 */
export function samplePlan(total: number, sampled: number, hits: number): PlanRange {
  if (sampled >= total || sampled === 0) return {low: hits, high: sampled >= total ? hits : total}
  const p = hits / sampled
  const estimate = total * p
  const correction = Math.sqrt((total - sampled) / Math.max(1, total - 1))
  const margin = 1.96 * Math.sqrt((p * (1 - p)) / sampled) * correction * total + 1
  const low = Math.max(hits, Math.floor(estimate - margin))
  const high = Math.min(total - (sampled - hits), Math.ceil(estimate + margin))
  return {low, high: Math.max(low, high)}
}

/** Below this share of the estimate, and above 1 / it, a history's commit rate is assumed to vary. */
const RATE_SPREAD = 0.8

/**
 * Commits of a history read only in part (newest first): `seen` commits span `oldest`..`newest`; the
 * history goes back to `since`. At the rate seen, the whole history holds seen × span / seen span;
 * the range allows the rate to vary by RATE_SPREAD either way. Without a start time the only honest
 * answer is "more than seen", with a wide upper bound.
 */
export function extrapolateCommits(seen: number, newest: number | null, oldest: number | null, since: string | null): PlanRange {
  const from = since === null ? Number.NaN : Date.parse(since)
  if (newest === null || oldest === null || Number.isNaN(from) || newest <= oldest || oldest <= from) {
    return {low: seen + 1, high: seen * 10}
  }
  const estimate = (seen * (newest - from)) / (newest - oldest)
  return {low: Math.max(seen + 1, Math.floor(estimate * RATE_SPREAD)), high: Math.max(seen + 1, Math.ceil(estimate / RATE_SPREAD))}
}

export const midpoint = (r: PlanRange): number => Math.round((r.low + r.high) / 2)

export const addRanges = (...ranges: PlanRange[]): PlanRange =>
  ranges.reduce((a, b) => ({low: a.low + b.low, high: a.high + b.high}), {low: 0, high: 0})

/**
 * A plan from the sync's own listings, walked whole: the PRs (exact count, and which need activity),
 * the branches and the commit walk (exact new commits). Right where pages are large (Data Center
 * pages by 1000): the plan then costs what the sync's listings cost, and every count is exact.
 * Activity and commit files cost one request per PR / commit.
 */
export async function planByListing(
  source: Pick<Provider, 'repository' | 'pullRequests' | 'branches' | 'commits'>,
  repo: string,
  input: RepoPlanInput,
  repositoryRequests: number,
  signal?: AbortSignal,
): Promise<RepoPlan> {
  const plan = emptyRepoPlan(true)
  if (input.fetchRepository) {
    plan.requests.repository = exactly(repositoryRequests)
    if (!(await source.repository(repo, signal))) return emptyRepoPlan(false)
  }
  if (input.prs) {
    let pages = 0
    let prs = 0
    let needing = 0
    for await (const page of source.pullRequests(repo, {updatedSince: input.prsSince}, signal)) {
      pages++
      prs += page.items.length
      const changed = input.changed ? await input.changed(page.items) : page.items
      needing += changed.filter((r) => r.reviews.length > 0).length
    }
    plan.pullRequests = exactly(prs)
    plan.requests.pullRequests = exactly(Math.max(1, pages))
    if (input.reviews) plan.requests.activity = exactly(needing)
  }
  if (input.commits) {
    const heads: string[] = []
    let pages = 0
    for await (const page of source.branches(repo, signal)) {
      pages++
      heads.push(...page.items.map((b) => b.head))
    }
    plan.requests.branches = exactly(Math.max(1, pages))
    const known = new Set(input.full ? [] : input.knownHeads)
    const include = [...new Set(heads.filter((h) => !known.has(h)))]
    // A push since the last sync: the sync reads the repository again for its new metadata.
    if (include.length > 0 && known.size > 0 && !input.listed) plan.requests.repository = exactly(plan.requests.repository.high + repositoryRequests)
    if (include.length > 0) {
      let commitPages = 0
      let commits = 0
      for await (const page of source.commits(repo, {include, exclude: [...known]}, signal)) {
        commitPages++
        commits += page.items.length
      }
      plan.commits = exactly(commits)
      plan.requests.commits = exactly(commitPages)
    }
  }
  if (input.commitFiles) plan.requests.commitFiles = filesPlan(plan.commits, input)
  return plan
}

/** Files: one request per commit new to the store, plus any an earlier run left pending. */
export function filesPlan(commits: PlanRange, input: RepoPlanInput): PlanRange {
  // A --full re-walk of a synced repository lists known commits again; their files are kept.
  const low = input.full && input.knownHeads.length > 0 ? 0 : commits.low
  return {low: low + input.pendingCommitFiles, high: commits.high + input.pendingCommitFiles}
}
