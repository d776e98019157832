/**
 * The fewest requests a complete listing needs when every request asks for the largest page.
 * Counted per flavour:
 * - Cloud: /user/workspaces; repositories per workspace; pull requests per repository (one listing
 *   with every state); activity per PR (reviews); branches, commits per repository; diffstat per
 *   commit (commit files).
 * - DC: projects; repositories per project; pull requests per repository (state=ALL); activities
 *   per PR; branches, commits per repository; changes per commit.
 * An empty listing still costs one request (an empty repository: one for branches, one for commits).
 * Cloud's activity is the cheaper of one listing per PR and the repository-level listing of every
 * PR's (visible) entries. `reviewsFromListing` counts activity only for PRs whose review times the PR listing cannot give.
 * Each world activity entry is one entry in either flavour's activity listing. The commit count
 * assumes one listing reaches every commit (Cloud's /commits does; on DC it is a lower bound, since
 * DC lists per branch). Identity and permission checks are not counted.
 */
import {CLOUD_DIFFSTAT_PAGELEN_MAX, CLOUD_PAGELEN_MAX, CLOUD_PR_PAGELEN_MAX, DC_LIMIT_MAX} from './limits.js'
import {visibleActivity} from '../cloud/activity.js'
import {repoKeyOf} from './truth.js'
import type {Flavor, WPullRequest, World} from './types.js'

export function pages(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize))
}

export interface MinimumOptions {
  commitFiles?: boolean
  reviews?: boolean
  /**
   * Read activity only where the PR listing cannot give the review times: on Cloud, PRs with a
   * change request (or an approval whose `participated_on` is not the approval's time); on DC, PRs
   * with any reviewer state (DC participants carry no time). Without it, every PR's activity counts.
   */
  reviewsFromListing?: boolean
  /** Count the pull request listings (default true; a sync with --no-prs makes none). */
  prs?: boolean
}

/** Does a complete sync need this PR's activity to get its reviews right? */
export function needsActivity(flavor: Flavor, pr: WPullRequest): boolean {
  return pr.participants.some((p) => {
    if (p.state === null) return false
    if (flavor === 'datacenter' || p.state === 'changes_requested') return true
    const approvedAt = pr.activity.filter((a) => a.user === p.user && a.kind === 'approval').at(-1)?.at
    return approvedAt !== p.participatedOn
  })
}

export function minimumRequestsOf(world: World, flavor: Flavor, options: MinimumOptions = {}): number {
  const cloud = flavor === 'cloud'
  const list = cloud ? CLOUD_PAGELEN_MAX : DC_LIMIT_MAX
  const prPage = cloud ? CLOUD_PR_PAGELEN_MAX : DC_LIMIT_MAX
  const filePage = cloud ? CLOUD_DIFFSTAT_PAGELEN_MAX : DC_LIMIT_MAX
  const containers = world.containers()
  let total = pages(containers.length, list)
  for (const c of containers) {
    const repos = world.repos(c.key)
    total += pages(repos.length, list)
    for (const r of repos) {
      const d = world.detail(repoKeyOf(r))
      if (options.prs !== false) total += pages(d.pullRequests.length, prPage)
      if (options.reviews && options.prs !== false) {
        let perPr = 0
        for (const pr of d.pullRequests) if (!options.reviewsFromListing || needsActivity(flavor, pr)) perPr += pages(pr.activity.length, prPage)
        // Cloud also lists every PR's activity in one repository-level listing: whichever is cheaper.
        const repoLevel = cloud && d.pullRequests.length > 0
          ? pages(d.pullRequests.reduce((n, pr) => n + visibleActivity(pr).length, 0), prPage)
          : Number.POSITIVE_INFINITY
        total += Math.min(perPr, repoLevel)
      }
      total += pages(d.branches.length, list)
      total += pages(d.commits.length, list)
      if (options.commitFiles) for (const commit of d.commits) total += pages(commit.files.length, filePage)
    }
  }
  return total
}
