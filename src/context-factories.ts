/**
 * The factories of a command context, built over its world (env, IO, clock): the config store, the secret
 * stores, the HTTP dispatcher, connections and stores. Each is built once, on first use, and loaded
 * lazily so `--help` and `--version` import none of them. Tests hand in their own secret stores,
 * dispatcher or default store instead.
 */
import type {Dispatcher} from 'undici'

import type {CommandContext, ContextParts, SecretStoresOptions} from './context.js'
import type {SecretStoreResolver} from './core/auth/stores.js'
import type {SecretStore} from './core/auth/types.js'
import type {ConfigStore} from './core/config/store.js'
import type {ConnectOptions, OpenConnectionOptions} from './core/connection.js'
import {httpDebugFromEnv} from './core/http/debug.js'

export interface FactoryOverrides {
  /** Every secret, wherever its metadata says it lives, from this store or resolver (tests: a MemoryStore). */
  secretStores?: SecretStore | SecretStoreResolver
  /** Every request through this dispatcher (tests: a MockAgent); the context does not close it. */
  dispatcher?: Dispatcher
  /** The store a command opens when it names none (tests: `sqlite::memory:` or a file of their own). */
  defaultStoreUrl?: string
}

export function withFactories(parts: ContextParts, overrides: FactoryOverrides = {}): CommandContext {
  const warn = (message: string): void => {
    parts.io.stderr.write(message + '\n')
  }
  const httpDebug = httpDebugFromEnv(parts.processEnv, (text) => parts.io.stderr.write(text))
  let config: Promise<ConfigStore> | undefined
  const secrets = new Map<string, Promise<SecretStoreResolver>>()
  const dispatchers = new Map<string, Dispatcher>()
  let createDispatcher: ((caFile: string | undefined) => Dispatcher) | undefined

  const configStore = (): Promise<ConfigStore> =>
    (config ??= import('./core/config/store.js').then(({ConfigStore}) => new ConfigStore({configDir: parts.env.configDir, env: parts.processEnv})))

  const secretStores = (options: SecretStoresOptions = {}): Promise<SecretStoreResolver> => {
    const keychainTimeoutMs = options.keychainTimeoutMs ?? parts.env.keychainTimeoutMs
    const key = `${options.quiet ? 'quiet' : 'warn'}:${keychainTimeoutMs ?? ''}`
    let resolver = secrets.get(key)
    if (!resolver) {
      resolver = (async () => {
        const {createSecretStoreResolver, toResolver} = await import('./core/auth/stores.js')
        if (overrides.secretStores) return toResolver(overrides.secretStores)
        const store = await configStore()
        return createSecretStoreResolver({configDir: store.dir, warn: options.quiet ? () => undefined : warn, keychainTimeoutMs})
      })()
      secrets.set(key, resolver)
    }
    return resolver
  }

  const resolverWarningTo = async (to: (message: string) => void): Promise<SecretStoreResolver> => {
    const {createSecretStoreResolver, toResolver} = await import('./core/auth/stores.js')
    if (overrides.secretStores) return toResolver(overrides.secretStores)
    return createSecretStoreResolver({configDir: (await configStore()).dir, warn: to, keychainTimeoutMs: parts.env.keychainTimeoutMs})
  }

  const dispatcherFor = (caFile: string | undefined): Dispatcher => {
    if (overrides.dispatcher) return overrides.dispatcher
    const key = caFile ?? ''
    let dispatcher = dispatchers.get(key)
    if (!dispatcher) {
      dispatcher = (createDispatcher as (caFile: string | undefined) => Dispatcher)(caFile)
      dispatchers.set(key, dispatcher)
    }
    return dispatcher
  }

  /** Everything openConnection needs that the context owns; the caller's options come on top. */
  const wiring = async (options: ConnectOptions): Promise<OpenConnectionOptions> => {
    if (!createDispatcher) {
      const {createDefaultDispatcher} = await import('./core/http/dispatcher.js')
      createDispatcher = (caFile) => createDefaultDispatcher({caFile, env: parts.processEnv})
    }
    // A caller with its own warning channel (an event stream under a live view) gets the store warnings there too.
    const resolver = options.secretStore ?? (options.warn ? await resolverWarningTo(options.warn) : await secretStores())
    const store = await configStore()
    return {
      warn,
      clock: parts.clock,
      ...options,
      env: options.env ?? parts.env,
      processEnv: parts.processEnv,
      ...(httpDebug ? {debug: httpDebug} : {}),
      config: store,
      secretStore: resolver,
      dispatcherFor,
    }
  }

  return {
    ...parts,
    ...(httpDebug ? {httpDebug} : {}),
    configStore,
    secretStores,
    async httpDispatcher(caFile) {
      await wiring({})
      return dispatcherFor(caFile)
    },
    async openConnection(options = {}) {
      const {openConnection} = await import('./core/connection.js')
      return openConnection(await wiring(options))
    },
    async openWebhooks(options = {}) {
      const {openWebhooks} = await import('./core/webhooks/open.js')
      return openWebhooks(await wiring(options))
    },
    async openStore(url, options) {
      const {openStore} = await import('./core/store/open.js')
      return openStore(url ?? overrides.defaultStoreUrl, parts.processEnv, {cwd: parts.cwd, ...options})
    },
    async close() {
      const open = [...dispatchers.values()]
      dispatchers.clear()
      await Promise.allSettled(open.map((d) => d.close()))
    },
  }
}
