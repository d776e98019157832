import {randomBytes} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir, platform as osPlatform} from 'node:os'
import path from 'node:path'

import {UsageError} from '../errors.js'
import {ConfigSchema, type Config, type Connection, type CredentialMeta} from './schema.js'

/** BB_INTEGRATE_CONFIG_DIR; without one, the OS config dir for "bb-integrate", found from `env`. */
export type ConfigStoreOptions = {configDir: string} | {configDir?: string; env: NodeJS.ProcessEnv}

/** The per-user config directory (where earlier versions kept config.json too): XDG, Preferences, APPDATA. */
export function defaultConfigDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = osPlatform(), home = homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', 'bb-integrate')
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'bb-integrate', 'Config')
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'bb-integrate')
}

const describeValue = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`)

/**
 * The non-secret config file. Every read goes to disk and every change is a read-modify-write of the
 * whole validated document, written atomically (temp file + rename, 0600), so a crash leaves either
 * the old or the new file and two commands never see a torn one. Before each write the current (valid)
 * file is copied to config.json.bak: the last good config is always one `cp` away.
 */
export class ConfigStore {
  private readonly file: string

  constructor(options: ConfigStoreOptions) {
    this.file = path.join(options.configDir || defaultConfigDir('env' in options ? options.env : {}), 'config.json')
  }

  /** Absolute path of config.json. */
  get path(): string {
    return this.file
  }

  /** The directory holding config.json (and the opt-in plain secrets file). */
  get dir(): string {
    return path.dirname(this.file)
  }

  /** Where the last good config is kept. */
  get backupPath(): string {
    return `${this.file}.bak`
  }

  private invalid(what: string, details?: Record<string, unknown>, cause?: unknown): UsageError {
    const backup = existsSync(this.backupPath) ? `restore the last good copy (\`cp ${this.backupPath} ${this.file}\`), or ` : ''
    return new UsageError(`Config file ${this.file} ${what}.`, {
      code: 'config_invalid',
      cause,
      details: {file: this.file, ...details},
      remedy: `Fix it, ${backup}or delete it and run \`bb-integrate connect\` again.`,
    })
  }

  read(): Config {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ConfigSchema.parse({})
      throw new UsageError(`Config file ${this.file} cannot be read: ${(error as Error).message}.`, {
        code: 'config_unreadable', cause: error, remedy: `Check the permissions of ${this.file}.`,
      })
    }
    if (text.trim() === '') throw this.invalid('is empty')
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw this.invalid(`is not valid JSON (${(error as Error).message.split('\n')[0]!.replace(/, ".*$/, '')})`, undefined, error)
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw this.invalid(`must hold a JSON object, not ${describeValue(raw)}`)
    }
    const parsed = ConfigSchema.safeParse(raw)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      throw this.invalid(`does not match the expected format (${issues.slice(0, 3).join('; ')}${issues.length > 3 ? '; …' : ''})`, {issues})
    }
    return parsed.data
  }

  /** Read, change, validate, write — the only way anything is written. */
  update(change: (config: Config) => void): Config {
    const config = this.read()
    change(config)
    const validated = ConfigSchema.parse(config)
    this.write(validated)
    return validated
  }

  private write(config: Config): void {
    const dir = this.dir
    if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700})
    // read() just accepted the current file: it is the last good config.
    if (existsSync(this.file)) {
      copyFileSync(this.file, this.backupPath)
      chmodSync(this.backupPath, 0o600)
    }
    const temp = path.join(dir, `.config.json.${randomBytes(8).toString('hex')}.tmp`)
    try {
      writeFileSync(temp, `${JSON.stringify(config, null, '\t')}\n`, {mode: 0o600})
      chmodSync(temp, 0o600)
      renameSync(temp, this.file)
    } catch (error) {
      rmSync(temp, {force: true})
      throw error
    }
  }

  listConnections(): Connection[] {
    return Object.values(this.read().connections)
  }

  getConnection(name: string): Connection | undefined {
    return this.read().connections[name]
  }

  /** The connection commands use when none is named: the default, or the only one. */
  defaultConnectionName(): string | undefined {
    const config = this.read()
    if (config.defaultConnection && config.connections[config.defaultConnection]) return config.defaultConnection
    const names = Object.keys(config.connections)
    return names.length === 1 ? names[0] : undefined
  }

  putConnection(connection: Connection, options: {makeDefault?: boolean} = {}): void {
    this.update((config) => {
      config.connections[connection.name] = connection
      if (options.makeDefault || !config.defaultConnection || !config.connections[config.defaultConnection]) {
        config.defaultConnection = connection.name
      }
    })
  }

  removeConnection(name: string): boolean {
    let removed = false
    this.update((config) => {
      removed = Boolean(config.connections[name])
      delete config.connections[name]
      if (config.defaultConnection === name) {
        const rest = Object.keys(config.connections)
        config.defaultConnection = rest.length === 1 ? rest[0] : undefined
      }
    })
    return removed
  }

  setDefaultConnection(name: string): void {
    this.update((config) => {
      if (!config.connections[name]) throw new UsageError(`No connection named "${name}"`, {code: 'no_connection'})
      config.defaultConnection = name
    })
  }

  /** Replace one credential's metadata (e.g. a new OAuth expiry after a refresh). */
  updateCredential(connectionName: string, id: string, patch: Partial<Omit<CredentialMeta, 'id'>>): void {
    this.update((config) => {
      const credential = config.connections[connectionName]?.credentials.find((c) => c.id === id)
      if (credential) Object.assign(credential, patch)
    })
  }

  setSelection(connectionName: string, keys: string[]): void {
    this.update((config) => {
      const connection = config.connections[connectionName]
      if (!connection) throw new UsageError(`No connection named "${connectionName}"`, {code: 'no_connection'})
      connection.selection = [...new Set(keys)]
    })
  }

  getSelection(connectionName: string): string[] {
    return this.getConnection(connectionName)?.selection ?? []
  }
}
