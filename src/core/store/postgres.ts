import pg from 'pg'

import type {Row, SqlValue} from './codecs.js'
import type {SqlExecutor, SqlTx} from './executor.js'
import {MIGRATIONS} from './migrations.js'

/** `?` → `$n`. Our SQL never carries a literal `?`, so a plain scan is exact. */
function numbered(sql: string, offset = 0): string {
  let n = offset
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** BIGINT ids and counts fit in a JS number; pg would hand them back as strings. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number.parseInt(v, 10) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/** PostgreSQL caps a statement at 65535 parameters; stay well below it. */
const MAX_PARAMS = 30_000
/** Any constant works; it only has to be the same for every bb-integrate process sharing a database. */
const MIGRATION_LOCK = 0x6262_696e

function txOf(client: pg.ClientBase | pg.Pool): SqlTx {
  return {
    run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows as Row[],
    insertMany: async (table, columns, rows, suffix) => {
      const perChunk = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
      for (let i = 0; i < rows.length; i += perChunk) {
        const chunk = rows.slice(i, i + perChunk)
        const values: SqlValue[] = []
        const tuples = chunk.map((row) => {
          const start = values.length
          values.push(...row)
          return `(${row.map((_, j) => `$${start + j + 1}`).join(', ')})`
        })
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${numbered(suffix, values.length)}`, values)
      }
    },
  }
}

/**
 * PostgreSQL executor: a small pool; each transaction gets its own client, so concurrent repo
 * tasks (and other machines running other shards) write in parallel under READ COMMITTED.
 */
export class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const
  private readonly pool: pg.Pool
  private readonly direct: SqlTx

  constructor(connectionString: string, poolSize = 8) {
    this.pool = new pg.Pool({connectionString, max: poolSize, types})
    // An idle client that dies (server restart) must not crash the process.
    this.pool.on('error', () => undefined)
    this.direct = txOf(this.pool)
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.direct.run(sql, params)
  }

  all(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.direct.all(sql, params)
  }

  insertMany(table: string, columns: readonly string[], rows: SqlValue[][], suffix: string): Promise<void> {
    return this.direct.insertMany(table, columns, rows, suffix)
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(txOf(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async migrate(): Promise<number> {
    return this.transaction(async (tx) => {
      // Two shards starting together must not both create the tables.
      await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
      await tx.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL)')
      const rows = await tx.all('SELECT MAX(version) AS v FROM schema_version')
      let current = Number(rows[0]?.v ?? 0)
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue
        for (const sql of m.postgres) await tx.run(sql)
        await tx.run('INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)', [m.version, new Date().toISOString(), m.description])
        current = m.version
      }
      return current
    })
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
