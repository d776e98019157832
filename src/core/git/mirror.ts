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
}

/** Clone or update the mirror; returns what it did. */
export async function updateMirror(options: MirrorOptions): Promise<'cloned' | 'fetched'> {
  const common = {env: options.env, authorization: options.authorization, allowHttp: options.url.protocol === 'http:', timeoutMs: GIT_LONG_TIMEOUT_MS, signal: options.signal}
  if (mirrorExists(options.dir)) {
    await runGit(['--git-dir', options.dir, 'fetch', '--prune', '--quiet', 'origin'], common)
    return 'fetched'
  }
  mkdirSync(dirname(options.dir), {recursive: true})
  const shallow = options.since ? [`--shallow-since=${options.since}`] : []
  await runGit(['clone', '--mirror', '--quiet', ...shallow, '--', options.url.toString(), options.dir], common)
  return 'cloned'
}

/** `git ls-remote --heads`: proves the credential can fetch the repository, without writing anything. */
export async function tryLsRemote(url: URL, authorization: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  await runGit(['ls-remote', '--heads', '--', url.toString()], {env, authorization, allowHttp: url.protocol === 'http:', timeoutMs: 30_000, signal})
}
