/**
 * A resume cursor never locks a repository out, and `sync --path` never hides the other commit files
 * from later syncs (issue 11, item 0).
 */
import Database from 'better-sqlite3'
import {afterEach, describe, expect, it} from 'vitest'

import {events, startCliRig, type CliRig} from './rig.js'
import {truthLines} from '../../core/sync/emulator-rig.js'

let rig: CliRig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

function cursors(path: string): Array<{repo: string; phase: string; value: string}> {
  const db = new Database(path, {readonly: true})
  try {
    return db.prepare('SELECT repo, phase, value FROM sync_cursors').all() as Array<{repo: string; phase: string; value: string}>
  } finally {
    db.close()
  }
}

describe('resume cursors', () => {
  it('a saved cursor on another spelling of the host, or one the server refuses, restarts that listing with a warning', async () => {
    rig = await startCliRig('cloud', 'tiny')
    const first = await rig.cli(['sync', '--json'])
    expect(first.code, first.stderr).toBe(0)
    const repo = truthLines(rig, 'repository').map((l) => (JSON.parse(l) as {key: string}).key)[0]!
    const port = new URL(rig.emu.apiBase).port
    // Poison the store as an interrupted run of an earlier version would have left it.
    const db = new Database(rig.storePath)
    const insert = db.prepare('INSERT OR REPLACE INTO sync_cursors (connection, repo, phase, value) VALUES (?, ?, ?, ?)')
    insert.run('default', repo, 'pullRequests', JSON.stringify({since: null, startedAt: '2026-01-01T00:00:00.000Z', full: false,
      cursor: `http://localhost:${port}/2.0/repositories/${repo}/pullrequests?page=2`}))
    db.prepare('DELETE FROM sync_branch_heads WHERE repo = ?').run(repo)
    db.close()

    const second = await rig.cli(['sync', '--json'])
    expect(second.code, second.stderr).toBe(0)
    const warnings = events(second.stdout).filter((e) => e.type === 'warning')
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/cannot be used \(it points at http:\/\/localhost:\d+.*listing pull requests again from the start/))
    expect(cursors(rig.storePath)).toEqual([])

    // A relative cursor the server answers 404 to (a page that no longer exists).
    const db2 = new Database(rig.storePath)
    db2.prepare('INSERT OR REPLACE INTO sync_cursors (connection, repo, phase, value) VALUES (?, ?, ?, ?)').run('default', repo, 'pullRequests',
      JSON.stringify({since: null, startedAt: '2026-01-01T00:00:00.000Z', full: false, cursor: `/repositories/${repo}/no-such-listing?page=2`}))
    db2.close()
    const third = await rig.cli(['sync', '--json'])
    expect(third.code, third.stderr).toBe(0)
    expect(events(third.stdout).filter((e) => e.type === 'warning').map((w) => w.message)).toContainEqual(expect.stringMatching(/answered 404.*again from the start/))
    const summary = events(third.stdout).find((e) => e.type === 'summary')
    expect(summary).toMatchObject({complete: true, reposFailed: 0})
  }, 120_000)

  it('sync --path src/ then sync --full fetches every commit file', async () => {
    rig = await startCliRig('cloud', 'tiny')
    const all = truthLines(rig, 'commitFile').length
    const prefixed = await rig.cli(['sync', '--path', 'src/', '--json'])
    expect(prefixed.code, prefixed.stderr).toBe(0)
    const count = async (): Promise<number> => {
      const db = new Database(rig!.storePath, {readonly: true})
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM commit_files').get() as {n: number}).n
      } finally {
        db.close()
      }
    }
    const underSrc = await count()
    expect(underSrc).toBeGreaterThan(0)
    expect(underSrc).toBeLessThan(all)
    const full = await rig.cli(['sync', '--full', '--json'])
    expect(full.code, full.stderr).toBe(0)
    expect(await count()).toBe(all)
  }, 120_000)
})
