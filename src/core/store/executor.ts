import type {Row, SqlValue} from './codecs.js'

/**
 * The few things the shared store logic needs from a database. SQL is written once with `?`
 * placeholders; the PostgreSQL executor renumbers them. Each dialect inserts many rows its own
 * fastest way (SQLite: one prepared statement per row; PostgreSQL: multi-row VALUES).
 */
export interface SqlTx {
  run(sql: string, params?: SqlValue[]): Promise<number>
  all(sql: string, params?: SqlValue[]): Promise<Row[]>
  /** `INSERT INTO table (columns) VALUES … <suffix>` for every row; rows must have distinct keys. */
  insertMany(table: string, columns: readonly string[], rows: SqlValue[][], suffix: string): Promise<void>
}

export interface SqlExecutor extends SqlTx {
  readonly dialect: 'sqlite' | 'postgres'
  /** Runs fn in one transaction; concurrent callers are serialised or isolated, never interleaved. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>
  /** Apply pending migrations; refuses a store a newer version migrated (`description` names it). */
  migrate(description: string): Promise<number>
  close(): Promise<void>
}
