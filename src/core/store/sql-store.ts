import type {EntityMap, EntityName} from '../model.js'
import type {EntityCodec, SqlValue} from './codecs.js'
import {CODECS} from './codecs.js'
import {UsageError} from '../errors.js'
import {LATEST_MIGRATION, refuseNewerSchema} from './migrations.js'
import type {SqlExecutor, SqlTx} from './executor.js'
import type {
  CursorPhase, ExportOptions, PullRequestSyncInfo, RepoSyncState, Store, WebhookDeliveryRecord, WriteBatch,
} from './types.js'

/** IN-list chunk: far below SQLite's 32766 and PostgreSQL's 65535 parameter limits. */
const IN_CHUNK = 500

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

/** Last row per primary key wins: PostgreSQL refuses to upsert one key twice in a statement. */
function distinctRows(codec: EntityCodec<EntityName>, rows: SqlValue[][]): SqlValue[][] {
  const pkIdx = codec.primaryKey.map((c) => codec.columns.indexOf(c))
  const byKey = new Map<string, SqlValue[]>()
  for (const row of rows) byKey.set(pkIdx.map((i) => `${typeof row[i]}:${String(row[i])}`).join('\u0000'), row)
  return byKey.size === rows.length ? rows : [...byKey.values()]
}

function upsertSuffix(codec: EntityCodec<EntityName>, update: (col: string) => string = (c) => `excluded.${c}`): string {
  const rest = codec.columns.filter((c) => !codec.primaryKey.includes(c))
  if (rest.length === 0) return `ON CONFLICT (${codec.primaryKey.join(', ')}) DO NOTHING`
  return `ON CONFLICT (${codec.primaryKey.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = ${update(c)}`).join(', ')}`
}

/** The store logic both dialects share; only the executor differs. */
export class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'postgres'
  private queueSeq = Date.now() * 1000
  /** Schema of the open store: the latest once migrated; an older store opened read-only keeps its own. */
  private version = LATEST_MIGRATION

  constructor(
    private readonly db: SqlExecutor,
    readonly description: string,
  ) {
    this.dialect = db.dialect
  }

  async init(): Promise<void> {
    await this.db.migrate(this.description)
  }

  /** Check an existing store without changing it: a bb-integrate store this version can read. */
  async initReadOnly(): Promise<void> {
    let version: number
    try {
      const [row] = await this.db.all('SELECT MAX(version) AS v FROM schema_version')
      version = Number(row?.v ?? 0)
    } catch (error) {
      throw new UsageError(`${this.description} is not a bb-integrate store (it has no schema version).`, {
        code: 'not_a_store', cause: error, remedy: 'Pass the --store that `bb-integrate sync` wrote.',
      })
    }
    refuseNewerSchema(version, this.description)
    this.version = version
  }

  async write(batch: WriteBatch): Promise<void> {
    await this.db.transaction((tx) => this.apply(tx, batch))
  }

  private async upsert<E extends EntityName>(tx: SqlTx, entity: E, connection: string, items: EntityMap[E][], update?: (col: string) => string): Promise<void> {
    if (items.length === 0) return
    const codec = CODECS[entity] as unknown as EntityCodec<EntityName>
    const rows = distinctRows(codec, items.map((item) => codec.toRow(connection, item)))
    await tx.insertMany(codec.table, codec.columns, rows, upsertSuffix(codec, update))
  }

  private async apply(tx: SqlTx, b: WriteBatch): Promise<void> {
    const c = b.connection
    await this.upsert(tx, 'repository', c, b.repositories ?? [])
    // Listed again: a repository marked deleted is back (restored, or re-created under the same key).
    for (const part of chunks([...new Set((b.repositories ?? []).map((r) => r.key))], IN_CHUNK)) {
      await tx.run(`UPDATE repositories SET deleted_at = NULL WHERE connection = ? AND deleted_at IS NOT NULL AND ${this.inList('key', part)}`, [c, ...this.inParams(part)])
    }
    // Some API answers carry fewer user fields than others: never replace a known value with null.
    await this.upsert(tx, 'user', c, b.users ?? [], (col) => (col === 'provider' ? 'excluded.provider' : `COALESCE(excluded.${col}, users.${col})`))

    if (b.pullRequests?.length) {
      const codec = CODECS.pullRequest
      const byKey = new Map(b.pullRequests.map((w) => [`${w.pullRequest.repo}\n${w.pullRequest.id}`, w]))
      const writes = [...byKey.values()]
      const columns = [...codec.columns, 'merge_commit_short', 'reviews_for']
      const rows = writes.map((w) => [...codec.toRow(c, w.pullRequest), w.mergeCommitShort, w.reviews ? w.pullRequest.updatedAt : null])
      const rest = columns.filter((col) => !codec.primaryKey.includes(col))
      const suffix = `ON CONFLICT (${codec.primaryKey.join(', ')}) DO UPDATE SET ${rest
        .map((col) => (col === 'reviews_for' ? 'reviews_for = COALESCE(excluded.reviews_for, pull_requests.reviews_for)' : `${col} = excluded.${col}`))
        .join(', ')}`
      await tx.insertMany(codec.table, columns, rows, suffix)
      const withReviews = writes.filter((w) => w.reviews)
      for (const [repo, group] of groupBy(withReviews, (w) => w.pullRequest.repo)) {
        await this.deleteIn(tx, 'reviews', 'pull_request', c, repo, group.map((w) => w.pullRequest.id))
      }
      await this.upsert(tx, 'review', c, withReviews.flatMap((w) => w.reviews ?? []))
    }

    // Commits first seen in this batch: they cannot have issue refs yet, so there is nothing to replace.
    const freshCommits = new Set<string>()
    if (b.commits?.length) {
      for (const [repo, commits] of groupBy(b.commits, (m) => m.repo)) {
        const existing = await this.existingIn(tx, c, repo, commits.map((m) => m.hash))
        await this.upsert(tx, 'commit', c, commits)
        const fresh = [...new Set(commits.map((m) => m.hash).filter((h) => !existing.has(h)))]
        for (const h of fresh) freshCommits.add(`${repo}\n${h}`)
        await tx.insertMany('sync_commit_files_queue', ['connection', 'repo', 'commit_hash', 'seq'],
          fresh.map((h) => [c, repo, h, this.queueSeq++]), 'ON CONFLICT (connection, repo, commit_hash) DO NOTHING')
      }
    }

    // Replace-sets are deleted with one IN list per repo and re-inserted in one multi-row upsert:
    // a handful of statements per batch instead of several per row (round trips matter on PostgreSQL).
    if (b.commitFiles?.length) {
      for (const [repo, group] of groupBy(b.commitFiles, (f) => f.repo)) {
        const hashes = group.map((f) => f.commit)
        await this.deleteIn(tx, 'commit_files', 'commit_hash', c, repo, hashes)
        await this.deleteIn(tx, 'sync_commit_files_queue', 'commit_hash', c, repo, group.filter((f) => !f.prefix).map((f) => f.commit))
        // Fetched under a prefix: still owed whole, so it stays queued, marked with what it has.
        for (const [prefix, part] of groupBy(group.filter((f) => f.prefix), (f) => f.prefix!)) {
          for (const hs of chunks([...new Set(part.map((f) => f.commit))], IN_CHUNK)) {
            await tx.run(`UPDATE sync_commit_files_queue SET files_prefix = ? WHERE connection = ? AND repo = ? AND ${this.inList('commit_hash', hs)}`,
              [prefix, c, repo, ...this.inParams(hs)])
          }
        }
      }
      await this.upsert(tx, 'commitFile', c, b.commitFiles.flatMap((f) => f.files))
    }

    if (b.issueRefs?.length) {
      for (const [key, group] of groupBy(b.issueRefs, (r) => `${r.repo}\n${r.sourceType}`)) {
        const [repo, sourceType] = key.split('\n') as [string, string]
        const replaced = group.filter((r) => !(sourceType === 'commit' && freshCommits.has(`${repo}\n${r.sourceId}`)))
        for (const part of chunks(replaced.map((r) => r.sourceId), IN_CHUNK)) {
          await tx.run(`DELETE FROM issue_refs WHERE connection = ? AND repo = ? AND source_type = ? AND ${this.inList('source_id', part)}`, [c, repo, sourceType, ...this.inParams(part)])
        }
      }
      await this.upsert(tx, 'issueRef', c, b.issueRefs.flatMap((r) => [...new Set(r.keys)].map((key) => ({repo: r.repo, sourceType: r.sourceType, sourceId: r.sourceId, key}))))
    }

    if (b.branchHeads) {
      const {repo, heads} = b.branchHeads
      await tx.run('DELETE FROM sync_branch_heads WHERE connection = ? AND repo = ?', [c, repo])
      const byName = new Map(heads.map((h) => [h.name, h.head]))
      await tx.insertMany('sync_branch_heads', ['connection', 'repo', 'name', 'head'], [...byName].map(([n, h]) => [c, repo, n, h]), '')
    }

    if (b.cursor) {
      const {repo, phase, value} = b.cursor
      if (value === null) {
        await tx.run('DELETE FROM sync_cursors WHERE connection = ? AND repo = ? AND phase = ?', [c, repo, phase])
      } else {
        await tx.insertMany('sync_cursors', ['connection', 'repo', 'phase', 'value'], [[c, repo, phase, value]],
          'ON CONFLICT (connection, repo, phase) DO UPDATE SET value = excluded.value')
      }
    }

    if (b.complete) {
      const {repo, prWatermark, at} = b.complete
      await tx.insertMany('sync_repo_state', ['connection', 'repo', 'pr_watermark', 'last_completed_at'], [[c, repo, prWatermark, at]],
        'ON CONFLICT (connection, repo) DO UPDATE SET pr_watermark = COALESCE(excluded.pr_watermark, sync_repo_state.pr_watermark), last_completed_at = excluded.last_completed_at')
    }
  }

  /**
   * `column IN (…)`: SQLite gets one placeholder per value; PostgreSQL one array parameter, so the
   * statement text stays the same whatever the count (cheaper to plan, friendlier to pg_stat).
   */
  private inList(column: string, values: SqlValue[]): string {
    if (this.dialect === 'postgres') return `${column} = ANY(?::${typeof values[0] === 'number' ? 'bigint' : 'text'}[])`
    return `${column} IN (${values.map(() => '?').join(', ')})`
  }

  private inParams(values: SqlValue[]): SqlValue[] {
    return this.dialect === 'postgres' ? [values as unknown as SqlValue] : values
  }

  private async deleteIn(tx: SqlTx, table: string, column: string, connection: string, repo: string, values: SqlValue[]): Promise<void> {
    for (const part of chunks([...new Set(values)], IN_CHUNK)) {
      await tx.run(`DELETE FROM ${table} WHERE connection = ? AND repo = ? AND ${this.inList(column, part)}`, [connection, repo, ...this.inParams(part)])
    }
  }

  private async existingIn(tx: SqlTx, connection: string, repo: string, hashes: string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (const part of chunks([...new Set(hashes)], IN_CHUNK)) {
      const rows = await tx.all(`SELECT hash FROM commits WHERE connection = ? AND repo = ? AND ${this.inList('hash', part)}`, [connection, repo, ...this.inParams(part)])
      for (const r of rows) found.add(String(r.hash))
    }
    return found
  }

  async repoState(connection: string, repo: string): Promise<RepoSyncState> {
    const [state] = await this.db.all('SELECT pr_watermark, last_completed_at FROM sync_repo_state WHERE connection = ? AND repo = ?', [connection, repo])
    const heads = await this.db.all('SELECT name, head FROM sync_branch_heads WHERE connection = ? AND repo = ? ORDER BY name', [connection, repo])
    const cursors = await this.db.all('SELECT phase, value FROM sync_cursors WHERE connection = ? AND repo = ?', [connection, repo])
    const [max] = await this.db.all(
      `SELECT MAX(updated_at) AS m, SUM(CASE WHEN reviews_for IS NULL OR reviews_for <> updated_at THEN 1 ELSE 0 END) AS missing
       FROM pull_requests WHERE connection = ? AND repo = ?`, [connection, repo])
    return {
      prWatermark: state?.pr_watermark == null ? null : String(state.pr_watermark),
      maxPrUpdatedAt: max?.m == null ? null : String(max.m),
      prsWithoutReviews: Number(max?.missing ?? 0),
      lastCompletedAt: state?.last_completed_at == null ? null : String(state.last_completed_at),
      branchHeads: heads.map((h) => ({name: String(h.name), head: String(h.head)})),
      cursors: Object.fromEntries(cursors.map((r) => [String(r.phase) as CursorPhase, String(r.value)])),
    }
  }

  async repository(connection: string, key: string) {
    const codec = CODECS.repository
    const [row] = await this.db.all(`SELECT * FROM ${codec.table} WHERE connection = ? AND key = ?`, [connection, key])
    return row ? codec.fromRow(row) : null
  }

  async pullRequestSyncInfo(connection: string, repo: string, ids: number[]): Promise<Map<number, PullRequestSyncInfo>> {
    const out = new Map<number, PullRequestSyncInfo>()
    for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
      const rows = await this.db.all(`SELECT id, updated_at, reviews_for FROM pull_requests WHERE connection = ? AND repo = ? AND ${this.inList('id', part)}`, [connection, repo, ...this.inParams(part)])
      for (const r of rows) out.set(Number(r.id), {updatedAt: String(r.updated_at), reviewsFor: r.reviews_for == null ? null : String(r.reviews_for)})
    }
    return out
  }

  existingCommits(connection: string, repo: string, hashes: string[]): Promise<Set<string>> {
    return this.existingIn(this.db, connection, repo, hashes)
  }

  /** Queue rows a sync with `prefix` owes: all of them without one; else those not fetched under a prefix of it. */
  private pendingWhere(connection: string, repo: string, prefix: string | null | undefined): {sql: string; params: SqlValue[]} {
    if (!prefix) return {sql: 'connection = ? AND repo = ?', params: [connection, repo]}
    return {
      sql: 'connection = ? AND repo = ? AND (files_prefix IS NULL OR substr(CAST(? AS TEXT), 1, length(files_prefix)) <> files_prefix)',
      params: [connection, repo, prefix],
    }
  }

  async pendingCommitFiles(connection: string, repo: string, limit: number, prefix?: string | null): Promise<string[]> {
    const where = this.pendingWhere(connection, repo, prefix)
    const rows = await this.db.all(`SELECT commit_hash FROM sync_commit_files_queue WHERE ${where.sql} ORDER BY seq, commit_hash LIMIT ?`, [...where.params, limit])
    return rows.map((r) => String(r.commit_hash))
  }

  async pendingCommitFilesCount(connection: string, repo: string, prefix?: string | null): Promise<number> {
    const where = this.pendingWhere(connection, repo, prefix)
    const [row] = await this.db.all(`SELECT COUNT(*) AS n FROM sync_commit_files_queue WHERE ${where.sql}`, where.params)
    return Number(row?.n ?? 0)
  }

  async markRepositoryDeleted(connection: string, key: string, at: string): Promise<boolean> {
    const changed = await this.db.transaction((tx) => tx.run('UPDATE repositories SET deleted_at = ? WHERE connection = ? AND key = ? AND deleted_at IS NULL', [at, connection, key]))
    return changed > 0
  }

  async repositoryKeys(connection: string): Promise<string[]> {
    const rows = await this.db.all('SELECT key FROM repositories WHERE connection = ? AND deleted_at IS NULL ORDER BY key', [connection])
    return rows.map((r) => String(r.key))
  }

  async pullRequestIds(connection: string, repo: string): Promise<number[]> {
    const rows = await this.db.all('SELECT id FROM pull_requests WHERE connection = ? AND repo = ? ORDER BY id', [connection, repo])
    return rows.map((r) => Number(r.id))
  }

  async deletePullRequests(connection: string, repo: string, ids: number[]): Promise<number> {
    if (ids.length === 0) return 0
    return this.db.transaction(async (tx) => {
      let removed = 0
      for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
        await this.deleteIn(tx, 'reviews', 'pull_request', connection, repo, part)
        const sources = part.map(String)
        await tx.run(`DELETE FROM issue_refs WHERE connection = ? AND repo = ? AND source_type = 'pullRequest' AND ${this.inList('source_id', sources)}`, [connection, repo, ...this.inParams(sources)])
        removed += await tx.run(`DELETE FROM pull_requests WHERE connection = ? AND repo = ? AND ${this.inList('id', part)}`, [connection, repo, ...this.inParams(part)])
      }
      return removed
    })
  }

  async pruneUnreachableCommits(connection: string, repo: string, reachable: ReadonlySet<string>): Promise<number> {
    return this.db.transaction(async (tx) => {
      // One indexed scan of the repo's hashes (primary-key prefix), the difference in memory, then
      // deletes batched by IN_CHUNK: linear in the stored commits, a few hundred statements for 100,000.
      const rows = await tx.all('SELECT hash FROM commits WHERE connection = ? AND repo = ?', [connection, repo])
      const gone = rows.map((r) => String(r.hash)).filter((h) => !reachable.has(h))
      let removed = 0
      for (const part of chunks(gone, IN_CHUNK)) {
        await this.deleteIn(tx, 'commit_files', 'commit_hash', connection, repo, part)
        await this.deleteIn(tx, 'sync_commit_files_queue', 'commit_hash', connection, repo, part)
        await tx.run(`DELETE FROM issue_refs WHERE connection = ? AND repo = ? AND source_type = 'commit' AND ${this.inList('source_id', part)}`, [connection, repo, ...this.inParams(part)])
        removed += await tx.run(`DELETE FROM commits WHERE connection = ? AND repo = ? AND ${this.inList('hash', part)}`, [connection, repo, ...this.inParams(part)])
      }
      return removed
    })
  }

  async resolveMergeCommits(connection: string, repo: string): Promise<number> {
    // A short hash that matches no synced commit, or more than one, stays null: never guess.
    return this.db.transaction((tx) => tx.run(
      `UPDATE pull_requests SET merge_commit = (
         SELECT CASE WHEN COUNT(*) = 1 THEN MIN(c.hash) END FROM commits c
         WHERE c.connection = pull_requests.connection AND c.repo = pull_requests.repo
           AND c.hash >= pull_requests.merge_commit_short AND c.hash < pull_requests.merge_commit_short || 'g')
       WHERE connection = ? AND repo = ? AND merge_commit IS NULL AND merge_commit_short IS NOT NULL`,
      [connection, repo],
    ))
  }

  async *export<E extends EntityName>(entity: E, options: ExportOptions = {}): AsyncIterable<EntityMap[E]> {
    const codec = CODECS[entity] as EntityCodec<E>
    const pk = codec.primaryKey
    const size = options.batchSize ?? 1000
    // Stores older than v3 cannot mark a repository deleted.
    const includeDeleted = (options.includeDeleted ?? false) || this.version < 3
    const columns = [...codec.columns, ...(entity === 'repository' && includeDeleted && this.version >= 3 ? ['deleted_at'] : [])]
    let after: SqlValue[] | null = null
    // Keyset pagination: constant memory, and each round trip is an index range scan.
    for (;;) {
      const where: string[] = []
      const params: SqlValue[] = []
      if (options.connection !== undefined) {
        where.push('connection = ?')
        params.push(options.connection)
      }
      if (!includeDeleted && entity === 'repository') where.push('deleted_at IS NULL')
      else if (!includeDeleted && codec.columns.includes('repo')) {
        where.push(`NOT EXISTS (SELECT 1 FROM repositories d WHERE d.connection = ${codec.table}.connection AND d.key = ${codec.table}.repo AND d.deleted_at IS NOT NULL)`)
      }
      if (after) {
        where.push(`(${pk.join(', ')}) > (${pk.map(() => '?').join(', ')})`)
        params.push(...after)
      }
      const sql = `SELECT ${columns.join(', ')} FROM ${codec.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${pk.join(', ')} LIMIT ${size}`
      const rows = await this.db.all(sql, params)
      for (const row of rows) {
        const item = codec.fromRow(row)
        yield columns.length > codec.columns.length ? {...item, deletedAt: row.deleted_at == null ? null : String(row.deleted_at)} : item
      }
      if (rows.length < size) return
      const last = rows[rows.length - 1]!
      after = pk.map((k) => last[k] as SqlValue)
    }
  }

  async count(entity: EntityName, connection?: string): Promise<number> {
    const codec = CODECS[entity]
    const [row] = connection === undefined
      ? await this.db.all(`SELECT COUNT(*) AS n FROM ${codec.table}`)
      : await this.db.all(`SELECT COUNT(*) AS n FROM ${codec.table} WHERE connection = ?`, [connection])
    return Number(row?.n ?? 0)
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.db.all('SELECT MAX(version) AS v FROM schema_version')
    return Number(row?.v ?? 0)
  }

  async recordDelivery(connection: string, d: WebhookDeliveryRecord): Promise<boolean> {
    const changed = await this.db.transaction((tx) => tx.run(
      'INSERT INTO webhook_deliveries (connection, id, event, repo, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection, id) DO NOTHING',
      [connection, d.id, d.event, d.repo, d.receivedAt],
    ))
    return changed > 0
  }

  async markDeliveryApplied(connection: string, id: string, at: string): Promise<void> {
    await this.db.transaction((tx) => tx.run('UPDATE webhook_deliveries SET applied_at = ? WHERE connection = ? AND id = ?', [at, connection, id]))
  }

  pruneDeliveries(connection: string, before: string): Promise<number> {
    return this.db.transaction((tx) => tx.run('DELETE FROM webhook_deliveries WHERE connection = ? AND received_at < ?', [connection, before]))
  }

  close(): Promise<void> {
    return this.db.close()
  }
}
