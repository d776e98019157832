import {UsageError} from '../errors.js'
import type {SqlTx} from './executor.js'

/**
 * Numbered migrations, one list per dialect, applied in order and recorded in `schema_version`.
 * A released migration is never edited: a change is a new number (and a new STORE_SCHEMA_VERSION
 * when it breaks readers; docs/store.md says which). Times are ISO-8601 UTC text with milliseconds
 * in both dialects: they sort chronologically and round-trip exactly.
 */
export interface Migration {
  version: number
  description: string
  sqlite: string[]
  postgres: string[]
}

/** The v1 tables, written once with dialect placeholders: BOOL and INT differ, the rest is shared SQL. */
function v1(bool: string, int: string): string[] {
  return [
    `CREATE TABLE repositories (
      connection TEXT NOT NULL, key TEXT NOT NULL, provider TEXT NOT NULL, name TEXT NOT NULL,
      project TEXT, is_private ${bool} NOT NULL, default_branch TEXT, created_at TEXT, updated_at TEXT, url TEXT,
      PRIMARY KEY (connection, key))`,
    `CREATE TABLE users (
      connection TEXT NOT NULL, id TEXT NOT NULL, provider TEXT NOT NULL, display_name TEXT,
      account_id TEXT, nickname TEXT,
      PRIMARY KEY (connection, id))`,
    `CREATE TABLE pull_requests (
      connection TEXT NOT NULL, repo TEXT NOT NULL, id ${int} NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL,
      author TEXT, source_branch TEXT, target_branch TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      closed_at TEXT, merge_commit TEXT, comment_count ${int},
      merge_commit_short TEXT, reviews_for TEXT,
      PRIMARY KEY (connection, repo, id))`,
    `CREATE INDEX pull_requests_updated ON pull_requests (connection, repo, updated_at)`,
    `CREATE TABLE reviews (
      connection TEXT NOT NULL, repo TEXT NOT NULL, pull_request ${int} NOT NULL, user_id TEXT NOT NULL,
      state TEXT NOT NULL, at TEXT,
      PRIMARY KEY (connection, repo, pull_request, user_id))`,
    `CREATE TABLE commits (
      connection TEXT NOT NULL, repo TEXT NOT NULL, hash TEXT NOT NULL, author_name TEXT, author_email TEXT,
      author_account TEXT, date TEXT NOT NULL, message TEXT NOT NULL, parents TEXT NOT NULL,
      PRIMARY KEY (connection, repo, hash))`,
    `CREATE TABLE commit_files (
      connection TEXT NOT NULL, repo TEXT NOT NULL, commit_hash TEXT NOT NULL, path TEXT NOT NULL,
      old_path TEXT, status TEXT NOT NULL, lines_added ${int}, lines_removed ${int},
      PRIMARY KEY (connection, repo, commit_hash, path))`,
    `CREATE TABLE issue_refs (
      connection TEXT NOT NULL, repo TEXT NOT NULL, source_type TEXT NOT NULL, source_id TEXT NOT NULL,
      key TEXT NOT NULL,
      PRIMARY KEY (connection, repo, source_type, source_id, key))`,
    `CREATE TABLE sync_repo_state (
      connection TEXT NOT NULL, repo TEXT NOT NULL, pr_watermark TEXT, last_completed_at TEXT,
      PRIMARY KEY (connection, repo))`,
    `CREATE TABLE sync_cursors (
      connection TEXT NOT NULL, repo TEXT NOT NULL, phase TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (connection, repo, phase))`,
    `CREATE TABLE sync_branch_heads (
      connection TEXT NOT NULL, repo TEXT NOT NULL, name TEXT NOT NULL, head TEXT NOT NULL,
      PRIMARY KEY (connection, repo, name))`,
    `CREATE TABLE sync_commit_files_queue (
      connection TEXT NOT NULL, repo TEXT NOT NULL, commit_hash TEXT NOT NULL, seq ${int} NOT NULL,
      PRIMARY KEY (connection, repo, commit_hash))`,
  ]
}

/** SQLite tables whose rows are (nearly) all key: stored in their primary-key B-tree alone. */
const KEY_TABLES = ['reviews', 'commit_files', 'issue_refs', 'sync_repo_state', 'sync_cursors', 'sync_branch_heads', 'sync_commit_files_queue']

/**
 * v2 (SQLite only): rebuild the key tables WITHOUT ROWID. A rowid table keeps each row twice, once in
 * the table and once in its primary-key index; these rows are little more than their key, so one
 * B-tree halves the pages an insert dirties. Same columns, same keys: readers see no difference.
 */
function sqliteKeyTablesWithoutRowid(): string[] {
  return v1('INTEGER', 'INTEGER').flatMap((sql) => {
    const table = KEY_TABLES.find((t) => sql.startsWith(`CREATE TABLE ${t} (`))
    if (!table) return []
    return [
      `${sql.replace(`CREATE TABLE ${table} (`, `CREATE TABLE ${table}_v2 (`)} WITHOUT ROWID`,
      `INSERT INTO ${table}_v2 SELECT * FROM ${table}`,
      `DROP TABLE ${table}`,
      `ALTER TABLE ${table}_v2 RENAME TO ${table}`,
    ]
  })
}

/**
 * v4: one row per webhook delivery the listener accepted, keyed by the id Bitbucket sends
 * (X-Request-UUID on Cloud, X-Request-Id on Data Center). A repeat finds its row and is not applied
 * again; `applied_at` stays null until the event's refresh is written.
 */
function webhookDeliveries(): string[] {
  return [
    `CREATE TABLE webhook_deliveries (
      connection TEXT NOT NULL, id TEXT NOT NULL, event TEXT NOT NULL, repo TEXT,
      received_at TEXT NOT NULL, applied_at TEXT,
      PRIMARY KEY (connection, id))`,
    `CREATE INDEX webhook_deliveries_received ON webhook_deliveries (connection, received_at)`,
  ]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'canonical entities and sync state',
    sqlite: v1('INTEGER', 'INTEGER'),
    postgres: v1('BOOLEAN', 'BIGINT'),
  },
  {
    version: 2,
    description: 'SQLite: key-only tables WITHOUT ROWID (storage only)',
    sqlite: sqliteKeyTablesWithoutRowid(),
    postgres: [],
  },
  {
    version: 3,
    description: 'deleted repositories; the path prefix commit files were fetched with',
    sqlite: [
      'ALTER TABLE repositories ADD COLUMN deleted_at TEXT',
      'ALTER TABLE sync_commit_files_queue ADD COLUMN files_prefix TEXT',
    ],
    postgres: [
      'ALTER TABLE repositories ADD COLUMN deleted_at TEXT',
      'ALTER TABLE sync_commit_files_queue ADD COLUMN files_prefix TEXT',
    ],
  },
  {
    version: 4,
    description: 'webhook deliveries seen by the listener (each applied once)',
    sqlite: webhookDeliveries(),
    postgres: webhookDeliveries(),
  },
]

export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]!.version

/**
 * A store a newer bb-integrate has migrated past what this one knows: writing into it could corrupt
 * what the newer version relies on, so it is refused before anything is read or written.
 */
export function refuseNewerSchema(current: number, description: string): void {
  if (current <= LATEST_MIGRATION) return
  throw new UsageError(`The store ${description} was written by a newer bb-integrate (schema version ${current}; this version knows up to ${LATEST_MIGRATION}).`, {
    code: 'store_too_new',
    remedy: 'Upgrade bb-integrate, or pass another --store.',
    details: {schemaVersion: current, supported: LATEST_MIGRATION},
  })
}

/**
 * The one migration routine of both stores, run inside the caller's transaction (and, on PostgreSQL,
 * under its advisory lock): every migration not yet recorded runs in order — numbers may have gaps and
 * arrive out of order — after refusing a store a newer version migrated.
 */
export async function applyMigrations(tx: SqlTx, dialect: 'sqlite' | 'postgres', description: string): Promise<number> {
  await tx.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL)')
  const applied = new Set((await tx.all('SELECT version FROM schema_version')).map((r) => Number(r.version)))
  refuseNewerSchema(Math.max(0, ...applied), description)
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue
    for (const sql of m[dialect]) await tx.run(sql)
    await tx.run('INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)', [m.version, new Date().toISOString(), m.description])
    applied.add(m.version)
  }
  return Math.max(0, ...applied)
}
