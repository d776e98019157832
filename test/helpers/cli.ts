/**
 * Runs the built CLI (`node bin/run.js …`) as a child process, the way a user or CI does. Tests that use
 * it call `ensureBuilt()` once (in beforeAll): it compiles only when dist/ is older than src/.
 */
import {execFileSync, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, rmSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliOptions {
  /** Added to a minimal environment (PATH, HOME, LANG) — the parent's secrets and CI flags do not leak in. */
  env?: Record<string, string | undefined>
  /** Written to stdin, then stdin is closed. */
  stdin?: string
  timeoutMs?: number
  cwd?: string
  /** Run through this wrapper (e.g. the keyring script): argv becomes [...wrapper, node, bin, ...args]. */
  wrapper?: string[]
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    BB_INTEGRATE_NO_UPDATE_NOTIFIER: '1',
    // Request counts in the CLI tests are REST's; the git source is tested on its own.
    BB_INTEGRATE_COMMITS_FROM: 'rest',
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams
  /** Output so far (for waiting on a prompt or a printed URL). */
  stdout(): string
  stderr(): string
  /** Resolves when stderr contains `text`; rejects if the process ends first or after timeoutMs. */
  waitForStderr(text: string | RegExp, timeoutMs?: number): Promise<void>
  result: Promise<CliResult>
}

/** Like runCli, but hands back the process so a test can signal it (Ctrl-C = SIGINT) mid-run. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const argv = [...(options.wrapper ?? []), process.execPath, BIN, ...args]
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd ?? ROOT,
    env: baseEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let timedOut = false
  let ended = false
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 30_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      ended = true
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      ended = true
      resolve({code, signal, stdout, stderr, timedOut})
    })
  })
  child.stdin.on('error', () => undefined)
  child.stdin.end(options.stdin ?? '')
  const waitForStderr = async (text: string | RegExp, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    const seen = (): boolean => (typeof text === 'string' ? stderr.includes(text) : text.test(stderr))
    while (!seen()) {
      if (ended) throw new Error(`process ended before printing ${String(text)}; stderr:\n${stderr}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; stderr:\n${stderr}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return {child, stdout: () => stdout, stderr: () => stderr, waitForStderr, result}
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full))
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

/**
 * Compile src/ (and the emulator) to dist/ when any source is newer than the build. Test files run in
 * parallel processes: a lock directory makes one of them build while the others wait for it.
 */
export function ensureBuilt(): void {
  const marker = path.join(ROOT, 'dist', 'src', 'index.js')
  const stale = (): boolean => {
    const built = existsSync(marker) ? statSync(marker).mtimeMs : 0
    return built < Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'emulator')))
  }
  if (!stale()) return
  const lock = path.join(ROOT, 'dist', '.build-lock')
  mkdirSync(path.dirname(lock), {recursive: true})
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test process is building; a lock older than 3 minutes belongs to a dead one.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, {recursive: true, force: true})
      if (Date.now() > deadline) throw new Error('timed out waiting for another test process to build dist/')
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    if (!stale()) return
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'pipe',
    })
  } catch {
    // tsc emits even with type errors elsewhere in the tree; the tests show whether the CLI works.
  } finally {
    rmSync(lock, {recursive: true, force: true})
  }
}

export interface DevCliResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs the CLI from sources (`bin/dev.js` through tsx) with this process's environment plus `env` —
 * for tests that exercise unbuilt code paths. `plain` adds CI=1 and NO_COLOR=1 (no prompts, no colour).
 */
export function runDevCli(args: string[], env: Record<string, string> = {}, options: {plain?: boolean} = {}): Promise<DevCliResult> {
  const bin = path.join(ROOT, 'bin', 'dev.js')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', bin, ...args], {
      env: {...process.env, ...(options.plain === false ? {} : {CI: '1', NO_COLOR: '1'}), ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({code, stdout, stderr}))
  })
}
