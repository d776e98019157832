import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {BbError} from '../errors.js'
import type {SecretStore} from './types.js'

export const SECRETS_FILE = 'secrets.json'

export interface FileStoreOptions {
  /** Absolute path of the secrets file. */
  path: string
  /** Receives the plain-file warning; called on every use of this store. */
  warn: (message: string) => void
}

/**
 * Opt-in (--allow-insecure-store) plain JSON file, mode 0600, for machines without a keychain. Writes go
 * to a 0600 temp file in the same directory, fsync'd, then renamed over the old file: a crash leaves the
 * old or the new content, never a torn file and never a world-readable moment.
 */
export class FileStore implements SecretStore {
  readonly location = 'file' as const

  constructor(private readonly options: FileStoreOptions) {}

  get path(): string {
    return this.options.path
  }

  async get(account: string): Promise<string | null> {
    this.warn()
    return (await this.readAll())[account] ?? null
  }

  async set(account: string, secret: string): Promise<void> {
    this.warn()
    const all = await this.readAll()
    all[account] = secret
    await this.writeAll(all)
  }

  async delete(account: string): Promise<boolean> {
    this.warn()
    const all = await this.readAll()
    if (!(account in all)) return false
    delete all[account]
    await this.writeAll(all)
    return true
  }

  private warn(): void {
    this.options.warn(`Warning: secrets stored in plain file ${this.options.path} (--allow-insecure-store)`)
  }

  private async readAll(): Promise<Record<string, string>> {
    let text: string
    try {
      text = await fs.readFile(this.options.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw this.failure('read', error)
    }
    try {
      const json = JSON.parse(text) as {secrets?: unknown}
      if (json && typeof json.secrets === 'object' && json.secrets !== null) {
        return Object.fromEntries(Object.entries(json.secrets).filter(([, v]) => typeof v === 'string')) as Record<string, string>
      }
    } catch {
      // fall through: never print the content, it holds secrets
    }
    throw new BbError(`Secrets file ${this.options.path} is not valid`, {
      code: 'secrets_file_invalid',
      remedy: `Delete ${this.options.path} and run \`bb-integrate connect --allow-insecure-store\` again.`,
    })
  }

  private async writeAll(secrets: Record<string, string>): Promise<void> {
    // The last secret gone (disconnect): leave no file behind.
    if (Object.keys(secrets).length === 0) {
      await fs.rm(this.options.path, {force: true}).catch((error: unknown) => {
        throw this.failure('delete', error)
      })
      return
    }
    const dir = path.dirname(this.options.path)
    const temp = path.join(dir, `.${path.basename(this.options.path)}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await fs.mkdir(dir, {recursive: true, mode: 0o700})
      const handle = await fs.open(temp, 'wx', 0o600)
      try {
        await handle.writeFile(JSON.stringify({version: 1, secrets}, null, 2) + '\n', 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(temp, this.options.path)
    } catch (error) {
      await fs.rm(temp, {force: true}).catch(() => undefined)
      throw this.failure('write', error)
    }
  }

  private failure(what: string, error: unknown): BbError {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))
    return new BbError(`Could not ${what} secrets file ${this.options.path} (${reason})`, {code: 'secrets_file_io', cause: error})
  }
}
