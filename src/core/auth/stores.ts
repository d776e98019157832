import path from 'node:path'

import type {SecretLocation} from '../config/schema.js'
import {FileStore, SECRETS_FILE} from './file-store.js'
import {KeychainStore} from './keychain-store.js'
import type {SecretStore} from './types.js'

/** Picks the store a credential's metadata names. Tests pass one that returns a MemoryStore. */
export type SecretStoreResolver = (location: SecretLocation) => SecretStore

export interface SecretStoreResolverOptions {
  /** Directory of config.json; the opt-in plain file lives beside it. */
  configDir: string
  warn: (message: string) => void
  /** BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS; default 10 s. */
  keychainTimeoutMs?: number
}

export function createSecretStoreResolver(options: SecretStoreResolverOptions): SecretStoreResolver {
  let keychain: KeychainStore | undefined
  let file: FileStore | undefined
  return (location) => {
    if (location === 'file') {
      file ??= new FileStore({path: path.join(options.configDir, SECRETS_FILE), warn: onceEach(options.warn)})
      return file
    }
    keychain ??= new KeychainStore({timeoutMs: options.keychainTimeoutMs})
    return keychain
  }
}

/** Messages already shown by this process, whichever resolver showed them. */
const shown = new Set<string>()

/**
 * One warning per distinct message per process (one command): a sync that refreshes 50 times, or a
 * command that opens the secret stores from several places, warns once.
 */
function onceEach(warn: (message: string) => void, seen: Set<string> = shown): (message: string) => void {
  return (message) => {
    if (seen.has(message)) return
    seen.add(message)
    warn(message)
  }
}

/** Accept either a resolver or a single store (tests), always giving a resolver. */
export function toResolver(store: SecretStore | SecretStoreResolver): SecretStoreResolver {
  return typeof store === 'function' ? store : () => store
}
