import {chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync} from 'node:fs'
import {platform} from 'node:os'
import {dirname} from 'node:path'

import Database from 'better-sqlite3'

import type {Row, SqlValue} from './codecs.js'
import type {SqlExecutor, SqlTx} from './executor.js'
import {applyMigrations} from './migrations.js'

type Db = InstanceType<typeof Database>
type Stmt = Database.Statement<unknown[]>

/** better-sqlite3 binds no booleans: store them as 0/1 (the schema declares INTEGER). */
function bind(params: SqlValue[]): Array<string | number | null> {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p))
}

/** Owner-only permissions: commit messages and e-mails are nobody else's business on a shared machine. */
function makePrivate(path: string, privateDir: boolean): void {
  const dir = dirname(path)
  const created = mkdirSync(dir, {recursive: true, mode: 0o700})
  if (created !== undefined || privateDir) tighten(dir, 0o700)
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) tighten(file, 0o600)
}

function tighten(path: string, mode: number): void {
  if (platform() === 'win32') return
  if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode)
}

/** Rows per multi-row INSERT: one native call per chunk instead of per row, far below SQLite's 32766 parameters. */
const ROWS_PER_INSERT = 32
/** Most transactions folded into one BEGIN…COMMIT when writers queue up. */
const MAX_GROUP = 16

interface Job {
  fn: (tx: SqlTx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * SQLite executor: one connection, WAL (readers never block the writer, a crash loses at most the
 * last transaction), synchronous=NORMAL (durable at checkpoints, fast commits), prepared statements
 * cached by SQL text. One process shares the connection between concurrent repo tasks, so
 * transactions are queued: interleaving BEGIN…COMMIT on one connection would mix their writes.
 *
 * Group commit: transactions that queue up while one runs are applied together in one BEGIN…COMMIT,
 * each inside its own SAVEPOINT. A failing one rolls back to its savepoint alone and rejects; the rest
 * commit. Every caller's promise settles only after the COMMIT, so "resolved" still means durable,
 * and each transaction stays all-or-nothing (a page and its cursor are never split).
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const
  private readonly db: Db
  private readonly statements = new Map<string, Stmt>()
  private readonly pending: Job[] = []
  private draining = false
  private drained: Promise<void> = Promise.resolve()

  /**
   * `readOnly`: open an existing store without writing to it (no migration, no journal change).
   * `privateDir`: the directory is bb-integrate's own data dir, kept 0700 even when it already exists.
   * Otherwise a directory created here is 0700 and the store file (and its WAL) 0600, whatever the umask.
   */
  constructor(readonly path: string, options: {readOnly?: boolean; privateDir?: boolean} = {}) {
    if (options.readOnly) {
      this.db = new Database(path, {readonly: true, fileMustExist: true})
      this.db.pragma('busy_timeout = 10000')
      return
    }
    if (path !== ':memory:') makePrivate(path, options.privateDir ?? false)
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    // Another process (a second sync, export) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 10000')
    // Sync writes land at random keys (hashes) across several B-trees: a 16 MiB page cache keeps their
    // inner pages, and checkpointing every ~40 MB of WAL (not 4 MB) writes each hot page back once,
    // not every few transactions. journal_size_limit trims the WAL file after a checkpoint.
    this.db.pragma('cache_size = -16384')
    this.db.pragma('wal_autocheckpoint = 10000')
    this.db.pragma('journal_size_limit = 67108864')
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
      const tuple = `(${columns.map(() => '?').join(', ')})`
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT)
        const values = Array.from({length: chunk.length}, () => tuple).join(', ')
        this.stmt(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ${suffix}`).run(...bind(chunk.flat()))
      }
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
    return new Promise<T>((resolve, reject) => {
      this.pending.push({fn, resolve: resolve as (value: unknown) => void, reject})
      if (!this.draining) {
        this.draining = true
        // Start on the next microtask: writes issued in the same tick join the first group.
        this.drained = Promise.resolve().then(() => this.drain())
      }
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.runGroup(this.pending.splice(0, MAX_GROUP))
    } finally {
      // Cleared in the same tick the loop sees an empty queue: a job pushed later starts a new drain.
      this.draining = false
    }
  }

  private async runGroup(group: Job[]): Promise<void> {
    const outcomes: Array<{ok: true; value: unknown} | {ok: false; error: unknown}> = []
    try {
      // IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout) instead of failing mid-way.
      this.db.exec('BEGIN IMMEDIATE')
      for (const job of group) {
        this.db.exec('SAVEPOINT job')
        try {
          const value = await job.fn(this.tx)
          this.db.exec('RELEASE job')
          outcomes.push({ok: true, value})
        } catch (error) {
          this.db.exec('ROLLBACK TO job')
          this.db.exec('RELEASE job')
          outcomes.push({ok: false, error})
        }
      }
      this.db.exec('COMMIT')
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      for (const job of group) job.reject(error)
      return
    }
    group.forEach((job, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) job.resolve(outcome.value)
      else job.reject(outcome.error)
    })
  }

  async migrate(description: string): Promise<number> {
    return this.transaction(async (tx) => {
      return applyMigrations(tx, 'sqlite', description)
    })
  }

  async close(): Promise<void> {
    await this.drained
    this.statements.clear()
    if (this.db.open) this.db.close()
  }
}
