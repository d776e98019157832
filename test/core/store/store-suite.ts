/**
 * One behavioural suite, run against every Store implementation (SQLite file, real PostgreSQL).
 */
import {describe, expect, it} from 'vitest'

import {STORE_SCHEMA_VERSION} from '../../../src/core/store/types.js'
import type {Store} from '../../../src/core/store/types.js'
import {collect, commit, file, hashOf, pr, repo, review, user} from './fixtures.js'

export function defineStoreSuite(name: string, open: () => Promise<Store>, reopen?: (store: Store) => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    it('migrates to the current schema version, and reopening applies nothing twice', async () => {
      let store = await open()
      expect(await store.schemaVersion()).toBe(STORE_SCHEMA_VERSION)
      await store.write({connection: 'c', repositories: [repo('ws/a')]})
      if (reopen) {
        store = await reopen(store)
        expect(await store.schemaVersion()).toBe(STORE_SCHEMA_VERSION)
        expect(await store.count('repository')).toBe(1)
      }
      await store.close()
    })

    it('round-trips every canonical entity exactly and upserts by natural key', async () => {
      const store = await open()
      const h1 = hashOf(1)
      const h2 = hashOf(2)
      const r = repo('ws/a', {connection: 'c', project: null, createdAt: null, updatedAt: null, url: null, isPrivate: false})
      await store.write({
        connection: 'c',
        repositories: [r],
        users: [user('{u1}'), user('{u2}', {displayName: null, accountId: null, nickname: null})],
        pullRequests: [{pullRequest: pr('ws/a', 1, {mergeCommit: h1, state: 'MERGED', closedAt: '2026-03-03T00:00:00.000Z', commentCount: null}), mergeCommitShort: null, reviews: [review('ws/a', 1, '{u2}', {state: 'CHANGES_REQUESTED', at: null})]}],
        commits: [commit('ws/a', h1, [h2, hashOf(3)]), commit('ws/a', h2, [], {authorAccount: null, authorName: null, authorEmail: null})],
        commitFiles: [{repo: 'ws/a', commit: h1, files: [file('ws/a', h1, 'a/b.ts'), file('ws/a', h1, 'c.ts', {status: 'renamed', oldPath: 'old.ts', linesAdded: null, linesRemoved: null})]}],
        issueRefs: [{repo: 'ws/a', sourceType: 'pullRequest', sourceId: '1', keys: ['ABC-1', '#4', 'ABC-1']}],
      })
      expect(await collect(store.export('repository'))).toEqual([r])
      expect(await collect(store.export('pullRequest'))).toEqual([pr('ws/a', 1, {mergeCommit: h1, state: 'MERGED', closedAt: '2026-03-03T00:00:00.000Z', commentCount: null})])
      expect(await collect(store.export('review'))).toEqual([review('ws/a', 1, '{u2}', {state: 'CHANGES_REQUESTED', at: null})])
      expect(await collect(store.export('commit'))).toEqual([commit('ws/a', h1, [h2, hashOf(3)]), commit('ws/a', h2, [], {authorAccount: null, authorName: null, authorEmail: null})].sort((a, b) => a.hash.localeCompare(b.hash)))
      expect(await collect(store.export('commitFile'))).toHaveLength(2)
      expect((await collect(store.export('issueRef'))).map((i) => i.key).sort()).toEqual(['#4', 'ABC-1'])
      expect(await collect(store.export('user'))).toEqual([user('{u1}'), user('{u2}', {displayName: null, accountId: null, nickname: null})])

      // Same keys again with new values: updated in place, no duplicates; users keep known fields.
      await store.write({
        connection: 'c',
        repositories: [{...r, name: 'renamed'}],
        users: [user('{u1}', {displayName: 'New Name', accountId: null})],
        pullRequests: [{pullRequest: pr('ws/a', 1, {title: 'retitled'}), mergeCommitShort: null}],
      })
      expect((await collect(store.export('repository'))).map((x) => x.name)).toEqual(['renamed'])
      expect(await collect(store.export('user'))).toContainEqual(user('{u1}', {displayName: 'New Name'}))
      expect((await collect(store.export('pullRequest'))).map((p) => p.title)).toEqual(['retitled'])
      // Reviews were not part of that write: untouched.
      expect(await store.count('review')).toBe(1)
      await store.close()
    })

    it('replaces a PR review set and a source\'s issue refs, and tracks which PR version reviews belong to', async () => {
      const store = await open()
      const p = pr('ws/a', 7, {updatedAt: '2026-04-01T00:00:00.000Z'})
      await store.write({connection: 'c', pullRequests: [{pullRequest: p, mergeCommitShort: null, reviews: [review('ws/a', 7, 'x'), review('ws/a', 7, 'y')]}],
        issueRefs: [{repo: 'ws/a', sourceType: 'pullRequest', sourceId: '7', keys: ['A-1', 'B-2']}]})
      expect((await store.pullRequestSyncInfo('c', 'ws/a', [7, 8])).get(7)).toEqual({updatedAt: p.updatedAt, reviewsFor: p.updatedAt})
      const p2 = {...p, updatedAt: '2026-04-02T00:00:00.000Z'}
      await store.write({connection: 'c', pullRequests: [{pullRequest: p2, mergeCommitShort: null}]})
      expect((await store.pullRequestSyncInfo('c', 'ws/a', [7])).get(7)).toEqual({updatedAt: p2.updatedAt, reviewsFor: p.updatedAt})
      await store.write({connection: 'c', pullRequests: [{pullRequest: p2, mergeCommitShort: null, reviews: [review('ws/a', 7, 'y', {state: 'CHANGES_REQUESTED'})]}],
        issueRefs: [{repo: 'ws/a', sourceType: 'pullRequest', sourceId: '7', keys: ['B-2']}]})
      expect(await collect(store.export('review'))).toEqual([review('ws/a', 7, 'y', {state: 'CHANGES_REQUESTED'})])
      expect((await collect(store.export('issueRef'))).map((i) => i.key)).toEqual(['B-2'])
      expect((await store.pullRequestSyncInfo('c', 'ws/a', [7])).get(7)?.reviewsFor).toBe(p2.updatedAt)
      await store.close()
    })

    it('keeps a commit fetched under a path prefix queued for a sync without one (or with a prefix it does not cover)', async () => {
      const store = await open()
      const [a, b] = [hashOf(11), hashOf(12)]
      await store.write({connection: 'c', commits: [commit('ws/p', a), commit('ws/p', b)]})
      await store.write({connection: 'c', commitFiles: [{repo: 'ws/p', commit: a, files: [file('ws/p', a, 'src/x')], prefix: 'src/'}]})
      expect(await store.pendingCommitFiles('c', 'ws/p', 10, 'src/')).toEqual([b])
      expect(await store.pendingCommitFilesCount('c', 'ws/p', 'src/a/')).toBe(1)
      expect((await store.pendingCommitFiles('c', 'ws/p', 10, 'lib/')).sort()).toEqual([a, b].sort())
      expect((await store.pendingCommitFiles('c', 'ws/p', 10)).sort()).toEqual([a, b].sort())
      expect(await store.pendingCommitFilesCount('c', 'ws/p', null)).toBe(2)
      await store.write({connection: 'c', commitFiles: [{repo: 'ws/p', commit: a, files: [file('ws/p', a, 'src/x'), file('ws/p', a, 'lib/y')]}]})
      expect(await store.pendingCommitFiles('c', 'ws/p', 10)).toEqual([b])
      expect(await store.count('commitFile')).toBe(2)
      await store.close()
    })

    it('marks a repository deleted: export leaves it and its rows out unless asked, listing it again revives it', async () => {
      const store = await open()
      await store.write({connection: 'c', repositories: [repo('ws/gone'), repo('ws/kept')],
        pullRequests: [{pullRequest: pr('ws/gone', 1), mergeCommitShort: null}, {pullRequest: pr('ws/kept', 1), mergeCommitShort: null}]})
      expect(await store.markRepositoryDeleted('c', 'ws/gone', '2026-05-01T00:00:00.000Z')).toBe(true)
      expect(await store.markRepositoryDeleted('c', 'ws/gone', '2026-05-02T00:00:00.000Z')).toBe(false)
      expect(await store.repositoryKeys('c')).toEqual(['ws/kept'])
      expect((await collect(store.export('repository'))).map((r) => r.key)).toEqual(['ws/kept'])
      expect((await collect(store.export('pullRequest'))).map((p) => p.repo)).toEqual(['ws/kept'])
      const all = await collect(store.export('repository', {includeDeleted: true}))
      expect(all.map((r) => [r.key, (r as unknown as {deletedAt: string | null}).deletedAt])).toEqual([['ws/gone', '2026-05-01T00:00:00.000Z'], ['ws/kept', null]])
      await store.write({connection: 'c', repositories: [repo('ws/gone')]})
      expect(await store.repositoryKeys('c')).toEqual(['ws/gone', 'ws/kept'])
      await store.close()
    })

    it('deletes pull requests with their reviews and issue refs', async () => {
      const store = await open()
      await store.write({connection: 'c', pullRequests: [1, 2, 3].map((id) => ({pullRequest: pr('ws/d', id), mergeCommitShort: null, reviews: [review('ws/d', id, '{u1}')]})),
        issueRefs: [{repo: 'ws/d', sourceType: 'pullRequest', sourceId: '2', keys: ['AB-1']}, {repo: 'ws/d', sourceType: 'pullRequest', sourceId: '3', keys: ['AB-2']}]})
      expect(await store.deletePullRequests('c', 'ws/d', [2, 9])).toBe(1)
      expect(await store.pullRequestIds('c', 'ws/d')).toEqual([1, 3])
      expect((await collect(store.export('review'))).map((r) => r.pullRequest)).toEqual([1, 3])
      expect((await collect(store.export('issueRef'))).map((r) => r.sourceId)).toEqual(['3'])
      await store.close()
    })

    it('queues only commits new to the store for files, and a files write dequeues them', async () => {
      const store = await open()
      const [a, b, c] = [hashOf(1), hashOf(2), hashOf(3)]
      await store.write({connection: 'c', commits: [commit('ws/a', a), commit('ws/a', b)]})
      expect((await store.pendingCommitFiles('c', 'ws/a', 10)).sort()).toEqual([a, b].sort())
      await store.write({connection: 'c', commitFiles: [{repo: 'ws/a', commit: a, files: [file('ws/a', a, 'x')]}]})
      // b and c: b is known (still queued once), c is new.
      await store.write({connection: 'c', commits: [commit('ws/a', a), commit('ws/a', b), commit('ws/a', c)]})
      expect((await store.pendingCommitFiles('c', 'ws/a', 10)).sort()).toEqual([b, c].sort())
      expect(await store.pendingCommitFilesCount('c', 'ws/a')).toBe(2)
      expect(await store.existingCommits('c', 'ws/a', [a, c, hashOf(9)])).toEqual(new Set([a, c]))
      // A commit with no files (empty merge) is still dequeued.
      await store.write({connection: 'c', commitFiles: [{repo: 'ws/a', commit: b, files: []}, {repo: 'ws/a', commit: c, files: [file('ws/a', c, 'y')]}]})
      expect(await store.pendingCommitFilesCount('c', 'ws/a')).toBe(0)
      expect(await store.count('commitFile')).toBe(2)
      await store.close()
    })

    it('prunes the commits not in a reachable set, with their files, issue refs and queue rows, in that repo only', async () => {
      const store = await open()
      const hs = Array.from({length: 1203}, (_, i) => hashOf(i))
      const kept = new Set(hs.filter((_, i) => i % 3 === 0))
      await store.write({
        connection: 'c',
        commits: [...hs.map((h) => commit('ws/a', h)), commit('ws/b', hs[1]!)],
        commitFiles: [{repo: 'ws/a', commit: hs[0]!, files: [file('ws/a', hs[0]!, 'x.ts')]}, {repo: 'ws/a', commit: hs[1]!, files: [file('ws/a', hs[1]!, 'y.ts')]}],
        issueRefs: [{repo: 'ws/a', sourceType: 'commit', sourceId: hs[1]!, keys: ['ABC-1']}, {repo: 'ws/a', sourceType: 'commit', sourceId: hs[3]!, keys: ['ABC-2']},
          {repo: 'ws/a', sourceType: 'pullRequest', sourceId: '1', keys: ['ABC-3']}],
      })
      expect(await store.pruneUnreachableCommits('c', 'ws/a', kept)).toBe(1203 - kept.size)
      expect((await collect(store.export('commit'))).filter((m) => m.repo === 'ws/a').map((m) => m.hash)).toEqual([...kept].sort())
      expect(await store.count('commit')).toBe(kept.size + 1)
      expect((await collect(store.export('commitFile'))).map((f) => f.path)).toEqual(['x.ts'])
      expect((await collect(store.export('issueRef'))).map((i) => i.key).sort()).toEqual(['ABC-2', 'ABC-3'])
      expect(await store.pendingCommitFilesCount('c', 'ws/a')).toBe(kept.size - 1)
      expect(await store.pruneUnreachableCommits('c', 'ws/a', kept)).toBe(0)
      await store.close()
    })

    it('a failing batch leaves nothing behind, not even its cursor', async () => {
      const store = await open()
      await expect(store.write({
        connection: 'c',
        repositories: [repo('ws/a')],
        commits: [commit('ws/a', hashOf(1))],
        cursor: {repo: 'ws/a', phase: 'pullRequests', value: 'page-2'},
        // NOT NULL title: the database rejects it after the other rows were inserted.
        pullRequests: [{pullRequest: pr('ws/a', 1, {title: null as unknown as string}), mergeCommitShort: null}],
      })).rejects.toThrow()
      expect(await store.count('repository')).toBe(0)
      expect(await store.count('commit')).toBe(0)
      expect((await store.repoState('c', 'ws/a')).cursors).toEqual({})
      await store.close()
    })

    it('keeps cursors, branch heads and watermarks per repo', async () => {
      const store = await open()
      await store.write({connection: 'c', cursor: {repo: 'ws/a', phase: 'commits', value: '{"cursor":"x"}'}, branchHeads: {repo: 'ws/a', heads: [{name: 'main', head: hashOf(1)}, {name: 'dev', head: hashOf(2)}]}})
      await store.write({connection: 'c', cursor: {repo: 'ws/a', phase: 'pullRequests', value: 'p'}})
      let s = await store.repoState('c', 'ws/a')
      expect(s.cursors).toEqual({commits: '{"cursor":"x"}', pullRequests: 'p'})
      expect(s.branchHeads).toEqual([{name: 'dev', head: hashOf(2)}, {name: 'main', head: hashOf(1)}])
      expect(s.prWatermark).toBeNull()
      await store.write({connection: 'c', cursor: {repo: 'ws/a', phase: 'commits', value: null}, complete: {repo: 'ws/a', prWatermark: '2026-05-01T00:00:00.000Z', at: '2026-05-01T00:01:00.000Z'}})
      await store.write({connection: 'c', complete: {repo: 'ws/a', prWatermark: null, at: '2026-05-02T00:00:00.000Z'}})
      s = await store.repoState('c', 'ws/a')
      expect(s.cursors).toEqual({pullRequests: 'p'})
      expect(s.prWatermark).toBe('2026-05-01T00:00:00.000Z')
      expect(s.lastCompletedAt).toBe('2026-05-02T00:00:00.000Z')
      expect((await store.repoState('c', 'ws/b')).branchHeads).toEqual([])
      // Newest stored PR time (server clock) and PRs whose reviews are not synced for their version.
      await store.write({connection: 'c', pullRequests: [
        {pullRequest: pr('ws/a', 1, {updatedAt: '2026-04-01T00:00:00.000Z'}), mergeCommitShort: null, reviews: []},
        {pullRequest: pr('ws/a', 2, {updatedAt: '2026-04-03T00:00:00.000Z'}), mergeCommitShort: null},
      ]})
      s = await store.repoState('c', 'ws/a')
      expect(s.maxPrUpdatedAt).toBe('2026-04-03T00:00:00.000Z')
      expect(s.prsWithoutReviews).toBe(1)
      expect((await store.repoState('other', 'ws/a')).cursors).toEqual({})
      await store.close()
    })

    it('resolves short merge hashes only against a unique synced commit', async () => {
      const store = await open()
      const full = 'abcdef012345' + '6'.repeat(28)
      const twinA = '111111111111' + 'a'.repeat(28)
      const twinB = '111111111111' + 'b'.repeat(28)
      await store.write({connection: 'c', commits: [commit('ws/a', full), commit('ws/a', twinA), commit('ws/a', twinB), commit('ws/b', '222222222222' + 'c'.repeat(28))],
        pullRequests: [
          {pullRequest: pr('ws/a', 1, {state: 'MERGED'}), mergeCommitShort: 'abcdef012345'},
          {pullRequest: pr('ws/a', 2, {state: 'MERGED'}), mergeCommitShort: '111111111111'},
          {pullRequest: pr('ws/a', 3, {state: 'MERGED'}), mergeCommitShort: '222222222222'},
        ]})
      expect(await store.resolveMergeCommits('c', 'ws/a')).toBeGreaterThanOrEqual(1)
      const merged = Object.fromEntries((await collect(store.export('pullRequest'))).map((p) => [p.id, p.mergeCommit]))
      expect(merged).toEqual({1: full, 2: null, 3: null})
      await store.close()
    })

    it('streams exports in key order across keyset pages and filters by connection', async () => {
      const store = await open()
      const commits = Array.from({length: 257}, (_, i) => commit('ws/a', hashOf(i)))
      await store.write({connection: 'c', commits})
      await store.write({connection: 'd', commits: commits.slice(0, 5)})
      const out = await collect(store.export('commit', {connection: 'c', batchSize: 50}))
      expect(out.map((c) => c.hash)).toEqual(commits.map((c) => c.hash).sort())
      expect(await collect(store.export('commit', {batchSize: 100}))).toHaveLength(262)
      expect(await store.count('commit', 'd')).toBe(5)
      await store.close()
    })

    it('serialises concurrent transactions without losing or mixing writes', async () => {
      const store = await open()
      await Promise.all(Array.from({length: 20}, (_, i) => store.write({
        connection: 'c',
        commits: Array.from({length: 30}, (_, j) => commit(`ws/r${i % 4}`, hashOf(i * 100 + j))),
        cursor: {repo: `ws/r${i % 4}`, phase: 'commits', value: String(i)},
      })))
      expect(await store.count('commit')).toBe(600)
      expect(await store.pendingCommitFilesCount('c', 'ws/r0')).toBe(150)
      await store.close()
    })

    it('records each webhook delivery id once per connection, marks it applied, and prunes old ones', async () => {
      const store = await open()
      const d = {id: 'a1b2', event: 'pullrequest:created', repo: 'ws/a', receivedAt: '2026-12-01T00:00:00.000Z'}
      expect(await store.recordDelivery('c', d)).toBe(true)
      expect(await store.recordDelivery('c', {...d, event: 'repo:push'})).toBe(false)
      expect(await store.recordDelivery('d', d)).toBe(true)
      await store.markDeliveryApplied('c', 'a1b2', '2026-12-01T00:00:01.000Z')
      expect(await store.recordDelivery('c', {...d, id: 'later', receivedAt: '2026-12-03T00:00:00.000Z'})).toBe(true)
      expect(await store.pruneDeliveries('c', '2026-12-02T00:00:00.000Z')).toBe(1)
      expect(await store.recordDelivery('c', d)).toBe(true)
      expect(await store.recordDelivery('c', {...d, id: 'later'})).toBe(false)
      await store.close()
    })
  })
}
