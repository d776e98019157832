import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterAll, describe, expect, it} from 'vitest'

import {dataDir} from '../../../src/core/store/data-dir.js'
import {MIGRATIONS} from '../../../src/core/store/migrations.js'
import {openStore, parseStoreUrl} from '../../../src/core/store/open.js'
import {STORE_SCHEMA_VERSION} from '../../../src/core/store/types.js'
import {pr} from './fixtures.js'
import {defineStoreSuite} from './store-suite.js'

const dir = mkdtempSync(join(tmpdir(), 'bb-sqlite-'))
let n = 0
afterAll(() => rmSync(dir, {recursive: true, force: true}))

defineStoreSuite('sqlite file', () => openStore(join(dir, `t${++n}.db`)), async (store) => {
  await store.close()
  return openStore(store.description.replace(/^sqlite:/, 'sqlite://'))
})

describe('store location', () => {
  it('defaults to <data dir>/bb-integrate.db and honours BB_INTEGRATE_CONFIG_DIR', () => {
    expect(parseStoreUrl(undefined, {BB_INTEGRATE_CONFIG_DIR: '/cfg'})).toEqual({dialect: 'sqlite', path: '/cfg/bb-integrate.db', description: 'sqlite:/cfg/bb-integrate.db'})
    expect(dataDir({XDG_DATA_HOME: '/xdg'}, 'linux', '/home/u')).toBe('/xdg/bb-integrate')
    expect(dataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/bb-integrate')
    expect(dataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/bb-integrate')
  })

  it('parses sqlite URLs, plain paths and postgres URLs (password never printed)', () => {
    expect(parseStoreUrl('sqlite:///var/x.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/var/x.db'})
    expect(parseStoreUrl('sqlite:rel.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/w/rel.db'})
    expect(parseStoreUrl('data/x.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/w/data/x.db'})
    const pg = parseStoreUrl('postgres://me:s3cret@db:5432/bb', {}, '/w')
    expect(pg.dialect).toBe('postgres')
    expect(pg.description).not.toContain('s3cret')
    expect(() => parseStoreUrl('mysql://x/y', {}, '/w')).toThrow(/Unsupported/)
    expect(() => parseStoreUrl('sqlite:', {}, '/w')).toThrow(/no path/)
  })

  it('uses WAL so a reader in another connection sees committed data while a writer works', async () => {
    const path = join(dir, 'wal.db')
    const a = await openStore(path)
    const b = await openStore(path)
    await a.write({connection: 'c', repositories: [{provider: 'cloud', connection: 'c', key: 'w/r', name: 'r', project: null, isPrivate: true, defaultBranch: null, createdAt: null, updatedAt: null, url: null}]})
    expect(await b.count('repository')).toBe(1)
    await a.close()
    await b.close()
  })
})

describe('schema v2 (key tables WITHOUT ROWID)', () => {
  it('migrates a v1 store in place: every row kept, tables rebuilt, writes keep working', async () => {
    const path = join(dir, 'v1.db')
    // A store exactly as schema v1 left it.
    const raw = new Database(path)
    raw.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL)')
    for (const sql of MIGRATIONS[0]!.sqlite) raw.exec(sql)
    raw.prepare('INSERT INTO schema_version VALUES (1, ?, ?)').run('2026-01-01T00:00:00.000Z', 'v1')
    raw.prepare('INSERT INTO issue_refs VALUES (?, ?, ?, ?, ?)').run('c', 'w/r', 'commit', 'abc', 'PROJ-1')
    raw.prepare('INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?)').run('c', 'w/r', 7, '{u1}', 'APPROVED', '2026-01-02T00:00:00.000Z')
    raw.prepare('INSERT INTO sync_commit_files_queue VALUES (?, ?, ?, ?)').run('c', 'w/r', 'abc', 1)
    raw.prepare('INSERT INTO sync_cursors VALUES (?, ?, ?, ?)').run('c', 'w/r', 'commits', '{"page":2}')
    raw.close()

    const store = await openStore(path)
    expect(await store.schemaVersion()).toBe(STORE_SCHEMA_VERSION)
    expect(await store.count('issueRef')).toBe(1)
    expect(await store.count('review')).toBe(1)
    expect(await store.pendingCommitFiles('c', 'w/r', 10)).toEqual(['abc'])
    expect((await store.repoState('c', 'w/r')).cursors).toEqual({commits: '{"page":2}'})
    await store.write({connection: 'c', issueRefs: [{repo: 'w/r', sourceType: 'commit', sourceId: 'abc', keys: ['PROJ-2']}]})
    expect(await store.count('issueRef')).toBe(1)
    await store.close()

    const check = new Database(path, {readonly: true})
    const withoutRowid = (table: string) => /WITHOUT ROWID\s*$/i.test(String((check.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as {sql: string}).sql))
    expect(['issue_refs', 'reviews', 'commit_files', 'sync_commit_files_queue', 'sync_cursors'].every(withoutRowid)).toBe(true)
    expect(withoutRowid('commits')).toBe(false)
    check.close()
  })
})

describe('group commit', () => {
  it('applies every unrecorded migration even when a lower number arrives after a higher one', async () => {
    const path = join(dir, 'gap.db')
    const raw = new Database(path)
    raw.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL)')
    // A store migrated by a build that knew 1, 2 and 4 but not 3: 3 arrives later and still runs.
    const skipped = 3
    for (const m of MIGRATIONS) {
      if (m.version === skipped) continue
      for (const sql of m.sqlite) raw.exec(sql)
      raw.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(m.version, '2026-01-01T00:00:00.000Z', m.description)
    }
    raw.close()
    const store = await openStore(path)
    expect(await store.recordDelivery('c', {id: 'x', event: 'repo:push', repo: 'ws/a', receivedAt: '2026-01-01T00:00:00.000Z'})).toBe(true)
    const check = new Database(path, {readonly: true})
    expect((check.prepare('SELECT version FROM schema_version ORDER BY version').all() as {version: number}[]).map((r) => r.version)).toContain(skipped)
    expect((check.prepare('PRAGMA table_info(repositories)').all() as {name: string}[]).map((c) => c.name)).toContain('deleted_at')
    check.close()
    await store.close()
  })

  it('writes queued together commit together; a failing one rolls back alone and rejects', async () => {
    const store = await openStore(join(dir, 'group.db'))
    const repoRow = (key: string) => ({provider: 'cloud' as const, connection: 'c', key, name: key, project: null, isPrivate: true, defaultBranch: null, createdAt: null, updatedAt: null, url: null})
    // Three writes issued at once: the second carries a PR without a title (NOT NULL): it must fail alone.
    const results = await Promise.allSettled([
      store.write({connection: 'c', repositories: [repoRow('w/a')], cursor: {repo: 'w/a', phase: 'commits', value: 'a'}}),
      store.write({connection: 'c', repositories: [repoRow('w/b')], cursor: {repo: 'w/b', phase: 'commits', value: 'b'},
        pullRequests: [{pullRequest: {...pr('w/b', 1), title: null as unknown as string}, mergeCommitShort: null}]}),
      store.write({connection: 'c', repositories: [repoRow('w/c')], cursor: {repo: 'w/c', phase: 'commits', value: 'c'}}),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await store.count('repository')).toBe(2)
    expect(await store.count('pullRequest')).toBe(0)
    expect((await store.repoState('c', 'w/b')).cursors).toEqual({})
    expect((await store.repoState('c', 'w/c')).cursors).toEqual({commits: 'c'})
    // And the store goes on taking writes after a failed member.
    await store.write({connection: 'c', repositories: [repoRow('w/d')]})
    expect(await store.count('repository')).toBe(3)
    await store.close()
  })
})
