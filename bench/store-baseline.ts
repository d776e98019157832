/**
 * Baseline for store writes: what a script usually does with better-sqlite3 — one INSERT per entity,
 * each in its own implicit transaction, default journal mode — on the same kind of rows.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'

export function naiveInsertsPerSecond(rows: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'bb-naive-'))
  const db = new Database(join(dir, 'naive.db'))
  try {
    db.exec('CREATE TABLE commits (repo TEXT, hash TEXT PRIMARY KEY, author TEXT, date TEXT, message TEXT, parents TEXT)')
    const insert = db.prepare('INSERT OR REPLACE INTO commits VALUES (?, ?, ?, ?, ?, ?)')
    const started = performance.now()
    for (let i = 0; i < rows; i++) {
      insert.run('bench/repo', i.toString(16).padStart(40, '0'), 'Dev <dev@example.com>', '2026-01-01T00:00:00.000Z', `PROJ-${i} change`, '[]')
    }
    return rows / ((performance.now() - started) / 1000)
  } finally {
    db.close()
    rmSync(dir, {recursive: true, force: true})
  }
}
