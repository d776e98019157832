import {createHash} from 'node:crypto'

import pg from 'pg'

import type {Row, SqlValue} from './codecs.js'
import type {SqlExecutor, SqlTx} from './executor.js'
import {applyMigrations} from './migrations.js'

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

/** Rows per statement: arrays have no parameter limit, this only bounds one message's size. */
const MAX_ROWS = 5_000
/** Any constant works; it only has to be the same for every bb-integrate process sharing a database. */
const MIGRATION_LOCK = 0x6262_696e

/** Column types per table, read once from the catalogue: unnest() needs typed arrays. */
type ColumnTypes = Map<string, Map<string, string>>

async function columnTypes(client: pg.ClientBase | pg.Pool, cache: ColumnTypes, table: string): Promise<Map<string, string>> {
  let types = cache.get(table)
  if (!types) {
    const {rows} = await client.query<{column_name: string; data_type: string}>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table])
    types = new Map(rows.map((r) => [r.column_name, r.data_type]))
    cache.set(table, types)
  }
  return types
}

/**
 * Many rows in one statement whose text does not depend on the row count: one typed array per
 * column, unnest()ed. The server parses and plans it once per connection (a named statement)
 * instead of once per batch — multi-row VALUES cost milliseconds of planning every time.
 */
async function insertUnnest(client: pg.ClientBase | pg.Pool, cache: ColumnTypes, table: string, columns: readonly string[], rows: SqlValue[][], suffix: string): Promise<void> {
  const types = await columnTypes(client, cache, table)
  const arrays = columns.map((_, i) => rows.map((r) => r[i] ?? null))
  const casts = columns.map((c, i) => `$${i + 1}::${types.get(c) ?? 'text'}[]`)
  const text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')}) ${numbered(suffix, columns.length)}`
  const name = `bb_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`
  await client.query({name, text, values: arrays})
}

function txOf(client: pg.ClientBase | pg.Pool, cache: ColumnTypes): SqlTx {
  return {
    run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows as Row[],
    insertMany: async (table, columns, rows, suffix) => {
      if (rows.length === 0) return
      for (let i = 0; i < rows.length; i += MAX_ROWS) await insertUnnest(client, cache, table, columns, rows.slice(i, i + MAX_ROWS), suffix)
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
  private readonly types: ColumnTypes = new Map()

  constructor(connectionString: string, poolSize = 8) {
    this.pool = new pg.Pool({connectionString, max: poolSize, types})
    // An idle client that dies (server restart) must not crash the process.
    this.pool.on('error', () => undefined)
    this.direct = txOf(this.pool, this.types)
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
      const result = await fn(txOf(client, this.types))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async migrate(description: string): Promise<number> {
    return this.transaction(async (tx) => {
      // Two shards starting together must not both create the tables.
      await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
      return applyMigrations(tx, 'postgres', description)
    })
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
