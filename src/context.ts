/**
 * The command context: the only door through which a command reaches the world. Built once per command
 * run by the base command (or handed in by a test that runs a command in-process), it carries the
 * environment read once, the terminal streams and their capabilities, the clock, and factories for the
 * config store, connections and stores — so no command reads `process.*` itself.
 */
import {AsyncLocalStorage} from 'node:async_hooks'

import type {Clock} from './core/clock.js'
import type {BbEnv} from './core/env.js'

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
}

const injected = new AsyncLocalStorage<CommandContext>()

/** Run `fn` with `context` as every command's context (in-process command tests). */
export function withCommandContext<T>(context: CommandContext, fn: () => Promise<T>): Promise<T> {
  return injected.run(context, fn)
}

export function injectedContext(): CommandContext | undefined {
  return injected.getStore()
}
