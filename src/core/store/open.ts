import {existsSync} from 'node:fs'
import {isAbsolute, join, resolve} from 'node:path'

import {BbError, UsageError} from '../errors.js'
import {redact} from '../http/redact.js'
import {DEFAULT_DB_FILE, dataDir} from './data-dir.js'
import type {Store} from './types.js'

export type StoreLocation =
  | {dialect: 'sqlite'; path: string; description: string}
  | {dialect: 'postgres'; url: string; description: string}

/**
 * `--store` forms: absent → `<data dir>/bb-integrate.db`; `sqlite:///abs/path`, `sqlite:rel/path`,
 * `sqlite::memory:` or a plain path → SQLite; `postgres://…` / `postgresql://…` → PostgreSQL.
 */
export function parseStoreUrl(url: string, env?: NodeJS.ProcessEnv, cwd?: string): StoreLocation
/** Without a URL the default file's place comes from the environment (BB_INTEGRATE_CONFIG_DIR, XDG_DATA_HOME…). */
export function parseStoreUrl(url: string | undefined, env: NodeJS.ProcessEnv, cwd?: string): StoreLocation
export function parseStoreUrl(url: string | undefined, env?: NodeJS.ProcessEnv, cwd?: string): StoreLocation {
  if (!url) {
    const path = join(dataDir(env as NodeJS.ProcessEnv), DEFAULT_DB_FILE)
    return {dialect: 'sqlite', path, description: `sqlite:${path}`}
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new UsageError(`Invalid PostgreSQL URL in --store: ${redact(url)}`, {code: 'bad_store_url', remedy: 'Use postgres://user:password@host:5432/database.'})
    }
    if (parsed.password) parsed.password = '***'
    return {dialect: 'postgres', url, description: parsed.toString()}
  }
  let path = url
  if (/^sqlite:/i.test(url)) {
    path = url.replace(/^sqlite:(\/\/)?/i, '')
    if (path === '') throw new UsageError('The sqlite: store URL has no path.', {code: 'bad_store_url', remedy: 'Use sqlite:///absolute/path/bb-integrate.db or a plain path.'})
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UsageError(`Unsupported store URL scheme: ${redact(url)}`, {code: 'bad_store_url', remedy: 'Use a file path, sqlite:///path or postgres://…'})
  }
  // Relative to the command's working directory when the caller names one.
  if (path !== ':memory:' && !isAbsolute(path)) path = cwd === undefined ? resolve(path) : resolve(cwd, path)
  return {dialect: 'sqlite', path, description: `sqlite:${path}`}
}

export interface OpenStoreOptions {
  /** Read an existing store only: never create, migrate or write one (`export`). */
  readOnly?: boolean
  /** Where a relative SQLite path is resolved from (the command's working directory). */
  cwd?: string
}

/** Open (creating and migrating as needed) the store. Drivers load lazily: `--help` stays fast. */
export async function openStore(url: string, env?: NodeJS.ProcessEnv, options?: OpenStoreOptions): Promise<Store>
export async function openStore(url: string | undefined, env: NodeJS.ProcessEnv, options?: OpenStoreOptions): Promise<Store>
export async function openStore(url: string | undefined, env?: NodeJS.ProcessEnv, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url, env as NodeJS.ProcessEnv, options.cwd)
  const {SqlStore} = await import('./sql-store.js')
  const readOnly = options.readOnly ?? false
  if (location.dialect === 'postgres') {
    const {PostgresExecutor} = await import('./postgres.js')
    const executor = new PostgresExecutor(location.url)
    const store = new SqlStore(executor, location.description)
    try {
      await (readOnly ? store.initReadOnly() : store.init())
    } catch (error) {
      await executor.close().catch(() => undefined)
      throw cannotOpen(location.description, error, 'Check host, port, database, user and password in --store / BB_INTEGRATE_STORE, and that the server accepts connections.')
    }
    return store
  }
  const {SqliteExecutor} = await import('./sqlite.js')
  if (readOnly && (location.path === ':memory:' || !existsSync(location.path))) {
    throw new UsageError(`There is no store at ${location.path}.`, {
      code: 'store_missing',
      remedy: 'Run `bb-integrate sync` to create it, or pass the --store of an existing store.',
    })
  }
  let store: InstanceType<typeof SqlStore>
  try {
    store = new SqlStore(new SqliteExecutor(location.path, {readOnly, privateDir: !url}), location.description)
    await (readOnly ? store.initReadOnly() : store.init())
  } catch (error) {
    throw cannotOpen(location.description, error, 'Check that the directory exists and is writable, or pass another --store path.')
  }
  return store
}

/** A store that cannot be opened: say which one (password redacted) and what to check, not just "ECONNREFUSED". */
function cannotOpen(description: string, error: unknown, remedy: string): BbError {
  if (error instanceof BbError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new BbError(`Could not open the store ${description}: ${redact(reason)}`, {code: 'store_unavailable', cause: error, remedy})
}
