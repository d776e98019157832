/**
 * Store write throughput, written the way the sync engine writes:
 *   - per repository: PR pages of 50 (two reviews and an issue ref each), commit pages of 100 (two
 *     issue refs each, five users and the resume cursor in the same transaction), then commit files
 *     for 25 commits per transaction (two files each, and their removal from the queue);
 *   - `writers` repositories at a time sharing one store, as `sync --concurrency N` does.
 * All rows are generated before the clock starts, so only the store is timed.
 * Prints the result as JSON.
 *
 *   node --import tsx test/core/store/bench.ts [store-url] [repos] [commitsPerRepo] [writers]
 *
 * `npm run bench` calls `benchStoreWrites()` twice: the large dataset's shape (2,000 commits and
 * 1,000 PRs per repository, 8 writers) and a worst case (one repository of 40,000 commits, one writer:
 * every insert lands on a random page of a large B-tree). A store URL of postgres://… measures PostgreSQL.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {WriteBatch} from '../../../src/core/store/types.js'
import {openStore} from '../../../src/core/store/open.js'
import {commit, file, hashOf, pr, review, user} from './fixtures.js'

export interface StoreBenchOptions {
  url?: string
  repos?: number
  commitsPerRepo?: number
  /** Repositories written at the same time (the engine's --concurrency). */
  writers?: number
}

export interface StoreBenchResult {
  store: string
  repos: number
  commitsPerRepo: number
  writers: number
  entities: number
  transactions: number
  seconds: number
  entitiesPerSecond: number
  transactionsPerSecond: number
}

interface Work {
  batches: WriteBatch[]
  entities: number
}

/** One repository's batches in the engine's order, with the number of entities they carry. */
function repoWork(r: number, commits: number): Work {
  const repo = `bench/repo-${r}`
  const connection = 'bench'
  const batches: WriteBatch[] = []
  let entities = 0
  const users = Array.from({length: 5}, (_, i) => user(`{u${(r + i) % 50}}`))
  const prs = Math.ceil(commits / 2)
  for (let i = 0; i < prs; i += 50) {
    const ids = Array.from({length: Math.min(50, prs - i)}, (_, j) => i + j + 1)
    batches.push({connection, pullRequests: ids.map((id) => ({pullRequest: pr(repo, id), mergeCommitShort: null, reviews: [review(repo, id, '{u1}'), review(repo, id, '{u2}')]})),
      issueRefs: ids.map((id) => ({repo, sourceType: 'pullRequest' as const, sourceId: String(id), keys: [`ABC-${id}`]})),
      cursor: {repo, phase: 'pullRequests', value: `{"cursor":"${i}"}`}})
    entities += ids.length * 4 // PR, two reviews, one issue ref
  }
  const hash = (n: number) => hashOf(r * 1_000_000 + n, 'bench')
  for (let i = 0; i < commits; i += 100) {
    const page = Array.from({length: Math.min(100, commits - i)}, (_, j) => commit(repo, hash(i + j), [hash(i + j + 1)], {message: `PROJ-${i + j} change #${j}`}))
    batches.push({connection, users, commits: page,
      issueRefs: page.map((c) => ({repo, sourceType: 'commit' as const, sourceId: c.hash, keys: [`PROJ-${c.hash.slice(0, 3)}`, '#1']})),
      cursor: {repo, phase: 'commits', value: `{"cursor":"${i}"}`}})
    entities += page.length * 3 + users.length // commit, two issue refs; the users
  }
  for (let i = 0; i < commits; i += 25) {
    const files = Array.from({length: Math.min(25, commits - i)}, (_, j) => ({repo, commit: hash(i + j),
      files: [file(repo, hash(i + j), `src/a${i + j}.ts`), file(repo, hash(i + j), `docs/b${i + j}.md`)]}))
    batches.push({connection, commitFiles: files})
    entities += files.length * 2
  }
  return {batches, entities}
}

export async function benchStoreWrites(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const repos = options.repos ?? 20
  const commitsPerRepo = options.commitsPerRepo ?? 2000
  const writers = options.writers ?? 8
  const work = Array.from({length: repos}, (_, r) => repoWork(r, commitsPerRepo))
  const entities = work.reduce((n, w) => n + w.entities, 0)
  const transactions = work.reduce((n, w) => n + w.batches.length, 0)

  const dir = options.url ? null : mkdtempSync(join(tmpdir(), 'bb-bench-'))
  const store = await openStore(options.url ?? join(dir!, 'bench.db'))
  const started = performance.now()
  try {
    let next = 0
    await Promise.all(Array.from({length: Math.min(writers, repos)}, async () => {
      while (next < repos) {
        const mine = work[next++]!
        for (const batch of mine.batches) await store.write(batch)
      }
    }))
  } finally {
    await store.close()
    if (dir) rmSync(dir, {recursive: true, force: true})
  }
  const seconds = (performance.now() - started) / 1000
  return {store: store.description, repos, commitsPerRepo, writers, entities, transactions, seconds: Number(seconds.toFixed(3)),
    entitiesPerSecond: Math.round(entities / seconds), transactionsPerSecond: Math.round(transactions / seconds)}
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [url, repos, commits, writers] = process.argv.slice(2)
  const result = await benchStoreWrites({url: url || undefined, repos: repos ? Number(repos) : undefined,
    commitsPerRepo: commits ? Number(commits) : undefined, writers: writers ? Number(writers) : undefined})
  process.stdout.write(JSON.stringify(result) + '\n')
}
