/**
 * The baseline: what a user's own script with the `bitbucket` npm client does to pull the same data —
 * default page sizes, one listing per PR state, activity per PR, commits, a diffstat per commit —
 * with the same concurrency across repositories as bb-integrate gets. It keeps results in memory
 * and writes them to one JSON file at the end, as such scripts usually do.
 */
import {createWriteStream} from 'node:fs'
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

/** Every page of a listing, each page's items appended to the output file as they arrive. */
async function all(bb: Client, first: Promise<{data: unknown}>, count: () => void, save: (items: unknown[]) => void): Promise<unknown[]> {
  let page = (await first).data as Paged
  count()
  const out = [...(page.values ?? [])]
  save(page.values ?? [])
  while (bb.hasNextPage(page as never)) {
    page = (await bb.getNextPage(page as never)).data as Paged
    count()
    out.push(...(page.values ?? []))
    save(page.values ?? [])
  }
  return out
}

export async function runBaseline(o: BaselineOptions): Promise<BaselineResult> {
  const t0 = Date.now()
  const bb = new Bitbucket({baseUrl: o.baseUrl, auth: {username: o.email, password: o.token}, notice: false} as never)
  let requests = 0
  const count = () => { requests++ }
  // A script saves what it fetched as it goes (NDJSON, one file): one JSON document of a large
  // dataset would not fit in a string.
  const file = createWriteStream(o.outFile)
  const counts = {repos: 0, pullRequests: 0, activities: 0, commits: 0, files: 0}
  const saver = (kind: keyof typeof counts) => (items: unknown[]) => {
    counts[kind] += items.length
    for (const item of items) file.write(JSON.stringify({kind, item}) + '\n')
  }
  const limit = pLimit(o.concurrency)
  const repos: Array<{workspace: string; slug: string}> = []
  for (const workspace of o.workspaces) {
    const values = (await all(bb, bb.repositories.list({workspace}) as never, count, saver('repos'))) as Array<{slug: string}>
    for (const r of values) repos.push({workspace, slug: r.slug})
  }
  await Promise.all(repos.map(({workspace, slug}) => limit(async () => {
    for (const state of ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']) {
      const prs = (await all(bb, bb.pullrequests.list({workspace, repo_slug: slug, state} as never) as never, count, saver('pullRequests'))) as Array<{id: number}>
      if (o.reviews) {
        for (const pr of prs) {
          await all(bb, bb.pullrequests.listActivities({workspace, repo_slug: slug, pull_request_id: pr.id} as never) as never, count, saver('activities'))
        }
      }
    }
    const commits = (await all(bb, bb.repositories.listCommits({workspace, repo_slug: slug} as never) as never, count, saver('commits'))) as Array<{hash: string}>
    if (o.commitFiles) {
      for (const c of commits) {
        await all(bb, bb.repositories.listDiffStats({workspace, repo_slug: slug, spec: c.hash} as never) as never, count, saver('files'))
      }
    }
  })))
  await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return {...counts, requests, durationMs: Date.now() - t0}
}
