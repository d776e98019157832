import Conf from 'conf'
import path from 'node:path'

import {UsageError} from '../errors.js'
import {ConfigSchema, type Config, type Connection, type CredentialMeta} from './schema.js'

export interface ConfigStoreOptions {
  /** BB_INTEGRATE_CONFIG_DIR; default: the OS config dir for "bb-integrate". */
  configDir?: string
}

/**
 * The non-secret config file. Every read goes to disk (conf re-reads on each access) and every change is
 * a read-modify-write of the whole validated document, written atomically (temp file + rename, by conf),
 * so a crash leaves either the old or the new file and two commands never see a torn one.
 */
export class ConfigStore {
  private readonly conf: Conf<Record<string, unknown>>

  constructor(options: ConfigStoreOptions = {}) {
    this.conf = new Conf<Record<string, unknown>>({
      projectName: 'bb-integrate',
      projectSuffix: '',
      configName: 'config',
      cwd: options.configDir,
      // Keys are connection names ("acme.prod"): no dot-path magic.
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      clearInvalidConfig: false,
    })
  }

  /** Absolute path of config.json. */
  get path(): string {
    return this.conf.path
  }

  /** The directory holding config.json (and the opt-in plain secrets file). */
  get dir(): string {
    return path.dirname(this.conf.path)
  }

  read(): Config {
    let raw: unknown
    try {
      raw = this.conf.store
    } catch (error) {
      throw new UsageError(`Config file ${this.path} is not valid JSON`, {
        cause: error,
        code: 'config_invalid',
        remedy: `Fix or delete ${this.path}, then run \`bb-integrate connect\` again.`,
      })
    }
    const parsed = ConfigSchema.safeParse(raw)
    if (!parsed.success) {
      throw new UsageError(`Config file ${this.path} does not match the expected format`, {
        code: 'config_invalid',
        details: {issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)},
        remedy: `Fix or delete ${this.path}, then run \`bb-integrate connect\` again.`,
      })
    }
    return parsed.data
  }

  /** Read, change, validate, write — the only way anything is written. */
  update(change: (config: Config) => void): Config {
    const config = this.read()
    change(config)
    const validated = ConfigSchema.parse(config)
    this.conf.store = validated as unknown as Record<string, unknown>
    return validated
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
