/**
 * End-to-end harness: an emulator on 127.0.0.1, a credential from its admin API, the real HTTP client
 * and a Provider over it; plus a complete listing of everything a sync reads, for comparison with
 * `world.truth(...)`.
 */
import {preferRepositoryActivity} from '../../../src/core/provider/activity.js'
import type {EntityMap, EntityName, User} from '../../../src/core/model.js'
import {createHttpClient} from '../../../src/core/http/client.js'
import type {HttpClient} from '../../../src/core/http/types.js'
import {createProvider} from '../../../src/core/provider/index.js'
import type {ActivityRecord, Provider} from '../../../src/core/provider/types.js'
import {mergeReviews} from '../../../src/core/sync/reviews.js'
import {startEmulator} from '../../../emulator/index.js'
import type {RunningEmulator} from '../../../emulator/index.js'
import {createWorld} from '../../../emulator/world/index.js'
import type {CustomSize} from '../../../emulator/world/index.js'

export const CONNECTION = 'e2e'

export interface Rig {
  emu: RunningEmulator
  client: HttpClient
  provider: Provider
  close(): Promise<void>
}

export async function startRig(flavor: 'cloud' | 'datacenter', dataset: string | CustomSize, seed = 7): Promise<Rig> {
  // The emulator's hourly budget is not under test here: a complete medium listing exceeds it.
  const world = typeof dataset === 'string' ? undefined : createWorld({seed, dataset, flavor})
  const emu = await startEmulator({flavor, dataset: typeof dataset === 'string' ? dataset : undefined, world, seed, rateLimit: null})
  const cred = await emu.admin.demoCredential()
  const client = createHttpClient({
    baseUrl: emu.apiBase,
    provider: flavor,
    credentials: [{id: 'e2e/1', principal: `e2e:${cred.username}`, authorization: async () => cred.authorization, secrets: () => [cred.token]}],
    limiter: {requestsPerWindow: 1_000_000},
    retry: {maxAttempts: 1},
  })
  const provider = createProvider({kind: flavor, connection: CONNECTION, client})
  return {emu, client, provider, close: async () => {
    await client.close()
    await emu.close()
  }}
}

export type Listing = {[E in Exclude<EntityName, 'issueRef'>]: EntityMap[E][]}

async function all<T>(pages: AsyncIterable<{items: T[]}>): Promise<T[]> {
  const out: T[] = []
  for await (const page of pages) out.push(...page.items)
  return out
}

/** Run `fn` over `items`, `limit` at a time. */
async function each<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

/**
 * Everything a complete sync reads, the way the engine reads it: repos, PRs (activity only for PRs
 * with reviews, for review times), every branch head's commits, and each commit's files.
 */
export async function listEverything(provider: Provider, options: {commitFiles: boolean}): Promise<Listing> {
  const out: Listing = {repository: [], pullRequest: [], review: [], commit: [], commitFile: [], user: []}
  const shortMerges: Array<{pr: EntityMap['pullRequest']; short: string}> = []
  const users = new Map<string, User>()
  const addUsers = (list: User[]): void => list.forEach((u) => users.set(u.id, u))
  out.repository = await all(provider.repositories())
  await each(out.repository, 4, async (repo) => {
    const records = await all(provider.pullRequests(repo.key))
    const needing = records.filter((r) => r.reviews.length > 0).length
    // Where cheaper, every PR's activity comes from one repository-level listing, as the engine does.
    let byPr: Map<number, ActivityRecord[]> | null = null
    if (provider.repositoryActivity && preferRepositoryActivity(records.length, records, needing)) {
      byPr = new Map()
      for (const {pullRequest, activity} of await all(provider.repositoryActivity(repo.key))) byPr.set(pullRequest, [...(byPr.get(pullRequest) ?? []), activity])
    }
    for (const record of records) {
      addUsers(record.users)
      let activity: ActivityRecord[] | null = null
      if (record.reviews.length > 0) activity = byPr?.get(record.pullRequest.id) ?? await all(provider.pullRequestActivity(repo.key, record.pullRequest.id))
      out.pullRequest.push(record.pullRequest)
      if (record.mergeCommitShort) shortMerges.push({pr: record.pullRequest, short: record.mergeCommitShort})
      out.review.push(...mergeReviews(record.reviews, activity))
    }
    const heads = (await all(provider.branches(repo.key))).map((b) => b.head)
    if (heads.length === 0) return
    const commits = await all(provider.commits(repo.key, {include: [...new Set(heads)].sort(), exclude: []}))
    for (const c of commits) {
      addUsers(c.users)
      out.commit.push(c.commit)
    }
    if (!options.commitFiles) return
    await each(commits, 4, async (c) => {
      out.commitFile.push(...await all(provider.commitFiles(repo.key, c.commit.hash)))
    })
  })
  out.user = [...users.values()]
  // As the engine does: Cloud's 12-character merge hashes resolve against the synced commits.
  for (const {pr, short} of shortMerges) {
    const hits = out.commit.filter((c) => c.repo === pr.repo && c.hash.startsWith(short))
    if (hits.length === 1) pr.mergeCommit = hits[0]!.hash
  }
  return out
}


/** Order-free comparison: each entity as canonical JSON, sorted. */
export function canonical<T>(items: Iterable<T>): string[] {
  return [...items].map((i) => JSON.stringify(i, Object.keys(i as object).sort())).sort()
}

/** A short account of what differs, for assertion messages. */
export function diff(actual: string[], expected: string[]): {missing: string[]; extra: string[]} {
  const a = new Set(actual)
  const e = new Set(expected)
  return {missing: expected.filter((x) => !a.has(x)).slice(0, 5), extra: actual.filter((x) => !e.has(x)).slice(0, 5)}
}
