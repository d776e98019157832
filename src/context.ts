/**
 * The command context: the only door through which a command reaches the world. Built once per command
 * run by the base command (or handed in by a test that runs a command in-process), it carries the
 * environment read once, the terminal streams and their capabilities, the clock, and factories for the
 * config store, connections and stores — so no command reads `process.*` itself.
 */
import {AsyncLocalStorage} from 'node:async_hooks'

import type {Dispatcher} from 'undici'

import type {SecretStoreResolver} from './core/auth/stores.js'
import type {Clock} from './core/clock.js'
import type {ConfigStore} from './core/config/store.js'
import type {ConnectOptions, OpenedConnection} from './core/connection.js'
import type {BbEnv} from './core/env.js'
import type {HttpEvent} from './core/http/types.js'
import type {OpenStoreOptions} from './core/store/open.js'
import type {Store} from './core/store/types.js'
import type {OpenedWebhooks} from './core/webhooks/open.js'

/** A writable that may be a terminal (columns, rows, resize events). */
export type OutStream = NodeJS.WritableStream & {isTTY?: boolean; columns?: number; rows?: number}

export interface InStream {
  isTTY?: boolean
  setRawMode?(mode: boolean): unknown
}

export interface TerminalIO {
  stdout: OutStream
  stderr: OutStream
  stdin: NodeJS.ReadableStream & InStream
  /** Colour is on only for a terminal, without NO_COLOR, `--no-color` or TERM=dumb. */
  color: boolean
  /** A human at the keyboard: stdin and stderr are terminals and this is not CI. */
  interactive: boolean
  /** Set the process's exit code (an in-process run records it instead). */
  setExitCode(code: number): void
}

export interface SignalHub {
  /** Call `handler` on SIGINT/SIGTERM until the returned function is called. */
  onInterrupt(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void
  /** Leave at once with this code (a second Ctrl-C). */
  exitNow(code: number): never
}

export interface CommandContext {
  /** BB_INTEGRATE_* and friends, read once. */
  env: BbEnv
  /** The raw environment, for the few readers that take one (store URL, child processes). */
  processEnv: NodeJS.ProcessEnv
  io: TerminalIO
  clock: Clock
  signals: SignalHub
  cwd: string
  /** config.json in the config dir (BB_INTEGRATE_CONFIG_DIR), built once. */
  configStore(): Promise<ConfigStore>
  /**
   * The secret stores (OS keychain, opt-in plain file beside config.json), built once per set of options;
   * warnings on stderr unless `quiet` (validate reports them as findings instead).
   */
  secretStores(options?: SecretStoresOptions): Promise<SecretStoreResolver>
  /** BB_INTEGRATE_DEBUG=http: prints each redacted request/response event on stderr; undefined otherwise. */
  httpDebug?: (event: HttpEvent) => void
  /** The HTTP dispatcher for a CA file (proxies from this context's env), built once each, closed by close(). */
  httpDispatcher(caFile?: string): Promise<Dispatcher>
  /** A connection by name (default: --connection / BB_INTEGRATE_CONNECTION / the default) with this context's wiring. */
  openConnection(options?: ConnectOptions): Promise<OpenedConnection>
  /** A connection opened for webhook administration, with this context's wiring. */
  openWebhooks(options?: ConnectOptions): Promise<OpenedWebhooks>
  /** The store at `url` (default: BB_INTEGRATE_STORE's value as the flag passes it, else the data dir's SQLite file). */
  openStore(url?: string, options?: OpenStoreOptions): Promise<Store>
  /** Release what the factories built (dispatchers); called when the command ends. */
  close(): Promise<void>
}

export interface SecretStoresOptions {
  quiet?: boolean
  /** Instead of BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS. */
  keychainTimeoutMs?: number
}

/** The parts of a context that are the world itself; the factories are built over them (src/context-factories.ts). */
export type ContextParts = Pick<CommandContext, 'env' | 'processEnv' | 'io' | 'clock' | 'signals' | 'cwd'>

const injected = new AsyncLocalStorage<CommandContext>()

/** Run `fn` with `context` as every command's context (in-process command tests). */
export function withCommandContext<T>(context: CommandContext, fn: () => Promise<T>): Promise<T> {
  return injected.run(context, fn)
}

export function injectedContext(): CommandContext | undefined {
  return injected.getStore()
}
