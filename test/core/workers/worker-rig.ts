/**
 * Worker processes against the emulator and a throwaway PostgreSQL server: each worker is the real CLI
 * (`bin/dev.js worker --json`) in its own process, so kill -9 is a real one.
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'
import {runDevCli, type DevCliResult} from '../../helpers/cli.js'

import type {SyncRig} from '../sync/emulator-rig.js'

export const BIN = new URL('../../../bin/dev.js', import.meta.url).pathname

export interface WorkerProcess {
  child: ChildProcess
  events: Array<Record<string, unknown>>
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** Resolves once the first job of this worker started. */
  firstJob: Promise<void>
  /** Resolves once the worker listens for jobs. */
  started: Promise<void>
}

export function cliEnv(rig: SyncRig, store: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CI: '1', NO_COLOR: '1',
    BB_INTEGRATE_CONFIG_DIR: rig.dir,
    BB_INTEGRATE_TOKEN: rig.credential.token,
    BB_INTEGRATE_EMAIL: rig.credential.email,
    BB_INTEGRATE_PROVIDER: rig.flavor,
    BB_INTEGRATE_URL: rig.emu.apiBase,
    BB_INTEGRATE_STORE: store,
    ...extra,
  }
}

export function cli(args: string[], env: Record<string, string> = {}): Promise<DevCliResult> {
  return runDevCli(args, env, {plain: false})
}

export function startWorker(env: Record<string, string>, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', BIN, 'worker', '--json', '--catch-up', 'off', ...args], {
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const events: Array<Record<string, unknown>> = []
  let onFirst: () => void = () => undefined
  const firstJob = new Promise<void>((resolve) => (onFirst = resolve))
  let onStarted: () => void = () => undefined
  const started = new Promise<void>((resolve) => (onStarted = resolve))
  createInterface({input: child.stdout!}).on('line', (line) => {
    const event = JSON.parse(line) as Record<string, unknown>
    events.push(event)
    if (event.type === 'job' && event.phase === 'start') onFirst()
    if (event.type === 'worker' && event.phase === 'started') onStarted()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {child, events, exited, firstJob, started}
}

/** Poll until `check` holds; fails after `limitMs` with the last value seen. */
export async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met in ${limitMs} ms; last: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
