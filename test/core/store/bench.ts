/**
 * Store write throughput, the way the sync engine writes: commit pages of 100 (with issue refs,
 * users and the cursor in one transaction), PR pages of 50 with their reviews, and commit files 25
 * commits per transaction. Prints {"entitiesPerSecond":…} as JSON.
 *
 *   node --import tsx test/core/store/bench.ts [store-url] [commits]
 *
 * The lead's bench calls `benchStoreWrites()`; a store URL of postgres://… measures PostgreSQL.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {openStore} from '../../../src/core/store/open.js'
import {commit, file, hashOf, pr, review, user} from './fixtures.js'

export interface StoreBenchResult {
  store: string
  entities: number
  transactions: number
  seconds: number
  entitiesPerSecond: number
  transactionsPerSecond: number
}

export async function benchStoreWrites(options: {url?: string; commits?: number} = {}): Promise<StoreBenchResult> {
  const dir = options.url ? null : mkdtempSync(join(tmpdir(), 'bb-bench-'))
  const store = await openStore(options.url ?? join(dir!, 'bench.db'))
  const commits = options.commits ?? 20_000
  const repo = 'bench/repo'
  let entities = 0
  let transactions = 0
  const users = Array.from({length: 50}, (_, i) => user(`{u${i}}`))
  const started = performance.now()
  try {
    for (let i = 0; i < commits; i += 100) {
      const page = Array.from({length: Math.min(100, commits - i)}, (_, j) => commit(repo, hashOf(i + j, 'bench'), [hashOf(i + j + 1, 'bench')], {message: `PROJ-${i + j} change #${j}`}))
      await store.write({connection: 'bench', users: users.slice(0, 5), commits: page,
        issueRefs: page.map((c) => ({repo, sourceType: 'commit' as const, sourceId: c.hash, keys: [`PROJ-${c.hash.slice(0, 3)}`, '#1']})),
        cursor: {repo, phase: 'commits', value: `{"cursor":"${i}"}`}})
      entities += page.length * 3 + 5
      transactions++
    }
    const prs = Math.ceil(commits / 4)
    for (let i = 0; i < prs; i += 50) {
      const page = Array.from({length: Math.min(50, prs - i)}, (_, j) => i + j + 1)
      await store.write({connection: 'bench', pullRequests: page.map((id) => ({pullRequest: pr(repo, id), mergeCommitShort: null, reviews: [review(repo, id, '{u1}'), review(repo, id, '{u2}')]})),
        issueRefs: page.map((id) => ({repo, sourceType: 'pullRequest' as const, sourceId: String(id), keys: [`ABC-${id}`]})),
        cursor: {repo, phase: 'pullRequests', value: `{"cursor":"${i}"}`}})
      entities += page.length * 4
      transactions++
    }
    // As the engine writes files: 25 commits' files (and their queue removal) per transaction.
    for (let i = 0; i < commits; i += 25) {
      const batch = Array.from({length: Math.min(25, commits - i)}, (_, j) => {
        const hash = hashOf(i + j, 'bench')
        return {repo, commit: hash, files: [file(repo, hash, `src/a${i + j}.ts`), file(repo, hash, `docs/b${i + j}.md`)]}
      })
      await store.write({connection: 'bench', commitFiles: batch})
      entities += batch.length * 2
      transactions++
    }
  } finally {
    await store.close()
    if (dir) rmSync(dir, {recursive: true, force: true})
  }
  const seconds = (performance.now() - started) / 1000
  return {store: store.description, entities, transactions, seconds: Number(seconds.toFixed(3)),
    entitiesPerSecond: Math.round(entities / seconds), transactionsPerSecond: Math.round(transactions / seconds)}
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const result = await benchStoreWrites({url: process.argv[2] || undefined, commits: process.argv[3] ? Number(process.argv[3]) : undefined})
  process.stdout.write(JSON.stringify(result) + '\n')
}
