import {BbError} from '../errors.js'
import type {SecretStore} from './types.js'

export const KEYCHAIN_SERVICE = 'bb-integrate'
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 10_000

/** The part of @napi-rs/keyring's AsyncEntry we use; injectable so tests can simulate hangs and failures. */
export interface KeyringEntry {
  getPassword(signal?: AbortSignal): Promise<string | null | undefined>
  setPassword(password: string, signal?: AbortSignal): Promise<void>
  deletePassword(signal?: AbortSignal): Promise<boolean>
}
export type KeyringEntryFactory = (service: string, account: string) => KeyringEntry | Promise<KeyringEntry>

export interface KeychainStoreOptions {
  service?: string
  timeoutMs?: number
  entryFactory?: KeyringEntryFactory
}

/** The keychain could not be used; the user must fix it or opt into another store. Never a silent fallback. */
export class KeychainUnavailableError extends BbError {}

/**
 * The OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the Secret Service: the
 * library's silent fallback (the kernel keyring) forgets everything at logout, which would look like a
 * stored login and then vanish. Every call is raced against a timeout because a headless D-Bus can hang.
 */
export class KeychainStore implements SecretStore {
  readonly location = 'keychain' as const
  private readonly service: string
  private readonly timeoutMs: number
  private readonly entryFactory: KeyringEntryFactory

  constructor(options: KeychainStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS
    this.entryFactory = options.entryFactory ?? defaultEntryFactory
  }

  async get(account: string): Promise<string | null> {
    return (await this.call('read', account, (entry, signal) => entry.getPassword(signal))) ?? null
  }

  async set(account: string, secret: string): Promise<void> {
    await this.call('write', account, (entry, signal) => entry.setPassword(secret, signal))
  }

  async delete(account: string): Promise<boolean> {
    return this.call('delete', account, (entry, signal) => entry.deletePassword(signal))
  }

  private async call<T>(what: string, account: string, op: (entry: KeyringEntry, signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new Error(`no answer within ${this.timeoutMs >= 1000 ? `${Math.round(this.timeoutMs / 1000)} s` : `${this.timeoutMs} ms`}`))
      }, this.timeoutMs)
    })
    try {
      const entry = await Promise.race([Promise.resolve(this.entryFactory(this.service, account)), timeout])
      return await Promise.race([op(entry, controller.signal), timeout])
    } catch (error) {
      throw unreachable(what, account, error)
    } finally {
      clearTimeout(timer)
    }
  }
}

function unreachable(what: string, account: string, error: unknown): KeychainUnavailableError {
  // The library's messages name the platform failure (D-Bus, locked collection), never the secret.
  const reason = error instanceof Error ? error.message : String(error)
  return new KeychainUnavailableError(`OS keychain not reachable (could not ${what} ${account}: ${reason})`, {
    code: 'keychain_unavailable',
    cause: error,
    remedy:
      'Start and unlock your keychain (Linux: a D-Bus session with gnome-keyring or KWallet), ' +
      'or rerun `connect` with --allow-insecure-store to keep secrets in a 0600 file, ' +
      'or set BB_INTEGRATE_TOKEN (and BB_INTEGRATE_EMAIL for an API token) in CI.',
  })
}

async function defaultEntryFactory(service: string, account: string): Promise<KeyringEntry> {
  // Loaded lazily: the native binding costs start-up time and is not needed for --help.
  const {AsyncEntry} = await import('@napi-rs/keyring')
  const entry = new AsyncEntry(service, account, {linux: {store: 'secret-service'}})
  return {
    getPassword: (signal) => entry.getPassword(signal),
    setPassword: (password, signal) => entry.setPassword(password, signal),
    deletePassword: (signal) => entry.deletePassword(signal),
  }
}
