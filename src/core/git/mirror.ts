/**
 * One bare mirror per repository under the git directory: `git clone --mirror` the first time (with
 * `--shallow-since` when the sync is limited by --since), `git fetch --prune` after. The clone URL
 * must come from the API's `links.clone` and be on the connection's host; plain http is allowed only
 * for a loopback host. The remote URL written to the mirror's config never carries a credential.
 */
import {existsSync, mkdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {UsageError} from '../errors.js'
import {GIT_LONG_TIMEOUT_MS, runGit} from './exec.js'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname)
}

/** Check a clone URL from the API against the connection's URL; returns it parsed. */
export function checkCloneUrl(cloneUrl: string, connectionUrl: string): URL {
  let url: URL
  try {
    url = new URL(cloneUrl)
  } catch {
    throw new UsageError(`The API returned a clone URL that is not a URL: "${cloneUrl}".`, {code: 'bad_clone_url'})
  }
  const base = new URL(connectionUrl)
  const apiHost = base.hostname === 'api.bitbucket.org' ? 'bitbucket.org' : base.hostname
  if (url.hostname !== apiHost) {
    throw new UsageError(`Refusing to clone from ${url.hostname}: the connection is to ${base.hostname}.`, {code: 'bad_clone_url'})
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new UsageError(`Refusing to clone over ${url.protocol.replace(':', '')}: only https (or http to a loopback address) is allowed.`, {code: 'bad_clone_url'})
  }
  if (url.username || url.password) {
    url.username = ''
    url.password = ''
  }
  return url
}

/** Directory of a repository's mirror under the git directory (keys are "owner/slug"). */
export function mirrorDir(gitDir: string, connection: string, repo: string): string {
  const safe = (s: string): string => encodeURIComponent(s).replace(/%/g, '_')
  const [owner = '', slug = ''] = repo.split('/')
  return join(gitDir, safe(connection), safe(owner), `${safe(slug)}.git`)
}

export function mirrorExists(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'))
}

export interface MirrorOptions {
  dir: string
  url: URL
  authorization: string
  /** The caller's environment git runs with (PATH, HOME, proxies). */
  env: NodeJS.ProcessEnv
  /** ISO time: a first clone fetches only history since then. */
  since?: string | null
  signal?: AbortSignal
  /** Transfer progress parsed from git's `--progress` output, once per change of percent. */
  onProgress?: (progress: MirrorProgress) => void
}

export interface MirrorProgress {
  /** `receiving`: objects arriving over the network (or unpacked as they arrive); `resolving`: deltas resolved locally after. */
  stage: 'receiving' | 'resolving'
  percent: number
  done: number
  total: number
}

// A small fetch (under fetch.unpackLimit objects) unpacks them as it receives them: the same stage.
const STAGES: Record<string, MirrorProgress['stage']> = {'Receiving objects': 'receiving', 'Unpacking objects': 'receiving', 'Resolving deltas': 'resolving'}
const PROGRESS = /(Receiving objects|Unpacking objects|Resolving deltas):\s+(\d+)% \((\d+)\/(\d+)\)/g

/**
 * A parser for git's progress on stderr: lines end in "\r" while a stage runs and in "\n" when it
 * ends, and may arrive split across chunks. Reports each stage's percent once per change.
 */
export function progressParser(report: (progress: MirrorProgress) => void): (chunk: string) => void {
  let pending = ''
  const last = new Map<string, number>()
  return (chunk: string) => {
    const text = pending + chunk
    const cut = Math.max(text.lastIndexOf('\r'), text.lastIndexOf('\n'))
    pending = text.slice(cut + 1)
    for (const m of text.slice(0, cut + 1).matchAll(PROGRESS)) {
      const stage = STAGES[m[1] as string] as MirrorProgress['stage']
      const percent = Number(m[2])
      if (last.get(stage) === percent) continue
      last.set(stage, percent)
      report({stage, percent, done: Number(m[3]), total: Number(m[4])})
    }
  }
}

/** Clone or update the mirror; returns what it did. */
export async function updateMirror(options: MirrorOptions): Promise<'cloned' | 'fetched'> {
  // `--progress` makes git report the transfer even though stderr is a pipe; without a listener, quiet.
  const verbosity = options.onProgress ? '--progress' : '--quiet'
  const common = {
    env: options.env, authorization: options.authorization, allowHttp: options.url.protocol === 'http:', timeoutMs: GIT_LONG_TIMEOUT_MS, signal: options.signal,
    ...(options.onProgress ? {onStderr: progressParser(options.onProgress)} : {}),
  }
  if (mirrorExists(options.dir)) {
    await runGit(['--git-dir', options.dir, 'fetch', '--prune', verbosity, 'origin'], common)
    return 'fetched'
  }
  mkdirSync(dirname(options.dir), {recursive: true})
  const shallow = options.since ? [`--shallow-since=${options.since}`] : []
  await runGit(['clone', '--mirror', verbosity, ...shallow, '--', options.url.toString(), options.dir], common)
  return 'cloned'
}

/** `git ls-remote --heads`: proves the credential can fetch the repository, without writing anything. */
export async function tryLsRemote(url: URL, authorization: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  await runGit(['ls-remote', '--heads', '--', url.toString()], {env, authorization, allowHttp: url.protocol === 'http:', timeoutMs: 30_000, signal})
}
