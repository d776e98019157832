import {mkdirSync} from 'node:fs'
import {dirname} from 'node:path'

import Database from 'better-sqlite3'

import type {Row, SqlValue} from './codecs.js'
import type {SqlExecutor, SqlTx} from './executor.js'
import {MIGRATIONS} from './migrations.js'

type Db = InstanceType<typeof Database>
type Stmt = Database.Statement<unknown[]>

/** better-sqlite3 binds no booleans: store them as 0/1 (the schema declares INTEGER). */
function bind(params: SqlValue[]): Array<string | number | null> {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p))
}

/**
 * SQLite executor: one connection, WAL (readers never block the writer, a crash loses at most the
 * last transaction), synchronous=NORMAL (durable at checkpoints, fast commits), prepared statements
 * cached by SQL text. One process shares the connection between concurrent repo tasks, so
 * transactions are queued: interleaving BEGIN…COMMIT on one connection would mix their writes.
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const
  private readonly db: Db
  private readonly statements = new Map<string, Stmt>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), {recursive: true})
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    // Another process (a second sync, export) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 10000')
  }

  private stmt(sql: string): Stmt {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  private readonly tx: SqlTx = {
    run: async (sql, params = []) => this.stmt(sql).run(...bind(params)).changes,
    all: async (sql, params = []) => this.stmt(sql).all(...bind(params)) as Row[],
    insertMany: async (table, columns, rows, suffix) => {
      if (rows.length === 0) return
      const s = this.stmt(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${suffix}`)
      for (const row of rows) s.run(...bind(row))
    },
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.tx.run(sql, params)
  }

  all(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.tx.all(sql, params)
  }

  insertMany(table: string, columns: readonly string[], rows: SqlValue[][], suffix: string): Promise<void> {
    return this.tx.insertMany(table, columns, rows, suffix)
  }

  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      // IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout) instead of failing mid-way.
      this.db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this.tx)
        this.db.exec('COMMIT')
        return result
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
        throw error
      }
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  async migrate(): Promise<number> {
    return this.transaction(async (tx) => {
      await tx.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL)')
      const rows = await tx.all('SELECT MAX(version) AS v FROM schema_version')
      let current = Number(rows[0]?.v ?? 0)
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue
        for (const sql of m.sqlite) await tx.run(sql)
        await tx.run('INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)', [m.version, new Date().toISOString(), m.description])
        current = m.version
      }
      return current
    })
  }

  async close(): Promise<void> {
    await this.queue
    this.statements.clear()
    if (this.db.open) this.db.close()
  }
}
