/**
 * Running the system `git`: execFile/spawn with a fixed argv (never a shell), a timeout on every
 * process, no terminal prompts, no system or global configuration, protocols limited to https (http
 * only for a loopback server), and the credential only in the environment as an `http.extraHeader`
 * (GIT_CONFIG_COUNT/KEY/VALUE) — never in argv, a URL or a file.
 */
import {execFile, spawn} from 'node:child_process'
import type {ChildProcessByStdio} from 'node:child_process'
import type {Readable, Writable} from 'node:stream'

/** Timeout for quick commands (rev-parse, for-each-ref). */
export const GIT_QUICK_TIMEOUT_MS = 60_000
/** Timeout for a clone or fetch, and for a log walk. */
export const GIT_LONG_TIMEOUT_MS = 6 * 3_600_000
export const GIT_MIN_VERSION = '2.31.0'

export interface GitEnvOptions {
  /** The caller's environment: PATH, HOME, proxies and GIT_SSL_CAINFO pass through to git, nothing else. */
  env: NodeJS.ProcessEnv
  /** The `Authorization` header value git sends; null for local commands. */
  authorization?: string | null
  /** Allow plain http (the remote is a loopback address). */
  allowHttp?: boolean
}

export function gitEnv(options: GitEnvOptions): NodeJS.ProcessEnv {
  const config: Array<[string, string]> = [
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['credential.helper', ''],
    ['core.askPass', ''],
  ]
  if (options.allowHttp) config.push(['protocol.http.allow', 'always'])
  if (options.authorization) config.push(['http.extraHeader', `Authorization: ${options.authorization}`])
  const env: NodeJS.ProcessEnv = {
    PATH: options.env.PATH,
    HOME: options.env.HOME,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
  }
  for (const proxy of ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'GIT_SSL_CAINFO']) {
    if (options.env[proxy]) env[proxy] = options.env[proxy]
  }
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return env
}

export class GitError extends Error {
  constructor(message: string, readonly stderr: string, readonly code: number | string | null) {
    super(message)
    this.name = 'GitError'
  }
}

export interface RunOptions extends GitEnvOptions {
  timeoutMs?: number
  signal?: AbortSignal
  input?: string
  /** spawnGit: keep stdin open as a pipe. */
  stdin?: boolean
  /** runGit: stderr as it arrives (git's `--progress` output). */
  onStderr?: (text: string) => void
}

/** git's progress lines ("Receiving objects:  45% (1234/2700)…"), rewritten in place with "\r". */
const PROGRESS_LINE = /^(?:remote: )?[A-Z][a-z]+ (?:objects|deltas): /

/** The last lines of git's stderr that are not progress, for an error message. */
export function stderrTail(stderr: string, lines = 3): string {
  return stderr.split(/[\r\n]+/).filter((l) => l.trim() !== '' && !PROGRESS_LINE.test(l)).slice(-lines).join(' ')
}

/** Run git to completion; stdout as text. Errors carry git's stderr (which never holds the secret). */
export function runGit(args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, {
      env: gitEnv(options),
      timeout: options.timeoutMs ?? GIT_QUICK_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      signal: options.signal,
      encoding: 'utf8',
    }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException & {code?: number | string}).code ?? null
        const reason = error.killed ? 'timed out or was stopped' : `failed${code === null ? '' : ` (${String(code)})`}`
        reject(new GitError(`git ${args.find((a) => !a.startsWith('-') && !a.includes('/')) ?? ''} ${reason}: ${stderrTail(stderr)}`.trim(), stderr, code))
      } else resolve(stdout)
    })
    if (options.onStderr) {
      const onStderr = options.onStderr
      child.stderr?.on('data', (chunk: Buffer | string) => onStderr(chunk.toString()))
    }
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Start git with stdout as a stream (for `git log` over a whole history). */
export function spawnGit(args: readonly string[], options: RunOptions): ChildProcessByStdio<Writable | null, Readable, Readable> {
  return spawn('git', args, {
    env: gitEnv(options),
    timeout: options.timeoutMs ?? GIT_LONG_TIMEOUT_MS,
    signal: options.signal,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>
}

/** The installed git's version ("2.39.5"), or null when git is not on PATH. */
export async function gitVersion(env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    const out = await runGit(['--version'], {env, timeoutMs: 10_000})
    return /(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? null
  } catch {
    return null
  }
}

export function versionAtLeast(version: string, minimum: string = GIT_MIN_VERSION): boolean {
  const a = version.split('.').map(Number)
  const b = minimum.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}
