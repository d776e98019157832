/**
 * The baseline: what a user's own script with the `bitbucket` npm client does to pull the same data —
 * default page sizes, one listing per PR state, activity per PR, commits, a diffstat per commit —
 * with the same concurrency across repositories as bb-integrate gets. It keeps results in memory
 * and writes them to one JSON file at the end, as such scripts usually do.
 */
import {writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'

import type * as BitbucketModule from 'bitbucket'
import pLimit from 'p-limit'

// The package ships a UMD main file and an ESM build Node cannot load as ESM: require it.
const {Bitbucket} = createRequire(import.meta.url)('bitbucket') as typeof BitbucketModule

export interface BaselineOptions {
  baseUrl: string
  email: string
  token: string
  workspaces: string[]
  concurrency: number
  outFile: string
  reviews: boolean
  commitFiles: boolean
}

export interface BaselineResult {
  repos: number
  pullRequests: number
  activities: number
  commits: number
  files: number
  requests: number
  durationMs: number
}

type Paged = {values?: unknown[]; next?: string}
type Client = InstanceType<typeof Bitbucket>

async function all(bb: Client, first: Promise<{data: unknown}>, count: () => void): Promise<unknown[]> {
  let page = (await first).data as Paged
  count()
  const out = [...(page.values ?? [])]
  while (bb.hasNextPage(page as never)) {
    page = (await bb.getNextPage(page as never)).data as Paged
    count()
    out.push(...(page.values ?? []))
  }
  return out
}

export async function runBaseline(o: BaselineOptions): Promise<BaselineResult> {
  const t0 = Date.now()
  const bb = new Bitbucket({baseUrl: o.baseUrl, auth: {username: o.email, password: o.token}, notice: false} as never)
  let requests = 0
  const count = () => { requests++ }
  const result: Record<string, unknown[]> = {repos: [], pullRequests: [], activities: [], commits: [], files: []}
  const limit = pLimit(o.concurrency)
  const repos: Array<{workspace: string; slug: string}> = []
  for (const workspace of o.workspaces) {
    const values = (await all(bb, bb.repositories.list({workspace}) as never, count)) as Array<{slug: string}>
    for (const r of values) repos.push({workspace, slug: r.slug})
    result.repos!.push(...values)
  }
  await Promise.all(repos.map(({workspace, slug}) => limit(async () => {
    for (const state of ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']) {
      const prs = (await all(bb, bb.pullrequests.list({workspace, repo_slug: slug, state} as never) as never, count)) as Array<{id: number}>
      result.pullRequests!.push(...prs)
      if (o.reviews) {
        for (const pr of prs) {
          result.activities!.push(...(await all(bb, bb.pullrequests.listActivities({workspace, repo_slug: slug, pull_request_id: pr.id} as never) as never, count)))
        }
      }
    }
    const commits = (await all(bb, bb.repositories.listCommits({workspace, repo_slug: slug} as never) as never, count)) as Array<{hash: string}>
    result.commits!.push(...commits)
    if (o.commitFiles) {
      for (const c of commits) {
        result.files!.push(...(await all(bb, bb.repositories.listDiffStats({workspace, repo_slug: slug, spec: c.hash} as never) as never, count)))
      }
    }
  })))
  writeFileSync(o.outFile, JSON.stringify(result))
  return {
    repos: result.repos!.length,
    pullRequests: result.pullRequests!.length,
    activities: result.activities!.length,
    commits: result.commits!.length,
    files: result.files!.length,
    requests,
    durationMs: Date.now() - t0,
  }
}
