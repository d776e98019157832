/**
 * `sync --commits-from auto|git|rest`: which commit source a sync uses. `auto` takes git when a
 * `git` ≥ 2.31 is on PATH and the connection has a credential git can use, else REST with one
 * warning; `git` insists (a clear error otherwise); `rest` never touches git.
 */
import {join} from 'node:path'

import {UsageError} from '../errors.js'
import type {HttpClient, HttpCredential} from '../http/types.js'
import type {ProviderKind} from '../model.js'
import type {CommitSource} from '../provider/types.js'
import {dataDir} from '../store/data-dir.js'
import {fetchCloneUrl} from './clone-url.js'
import {GIT_MIN_VERSION, gitVersion, versionAtLeast} from './exec.js'
import {GitCommitSource} from './source.js'
import type {GitSourceOptions} from './source.js'

export type CommitsFrom = 'auto' | 'git' | 'rest'
export const COMMITS_FROM: readonly CommitsFrom[] = ['auto', 'git', 'rest']

/** Mirrors live here unless --git-dir / BB_INTEGRATE_GIT_DIR says otherwise. */
export function defaultGitDir(env: NodeJS.ProcessEnv): string {
  return env.BB_INTEGRATE_GIT_DIR || join(dataDir(env), 'mirrors')
}

export interface ChooseOptions {
  mode: CommitsFrom
  provider: ProviderKind
  connection: string
  connectionUrl: string
  client: HttpClient
  credentials: HttpCredential[]
  rest: CommitSource
  gitDir: string
  /** The caller's environment git runs with (PATH, HOME, proxies). */
  env: NodeJS.ProcessEnv
  since?: string | null
  warn(message: string): void
  onMirror?: GitSourceOptions['onMirror']
}

export const GIT_INSTALL_HINT = 'Install git 2.31 or later (Debian/Ubuntu: apt-get install git; macOS: brew install git), or use --commits-from rest.'

/** The git source, or null for REST. */
export async function chooseCommitSource(options: ChooseOptions): Promise<GitCommitSource | null> {
  if (options.mode === 'rest') return null
  const version = await gitVersion(options.env)
  const credential = options.credentials[0]
  let problem: string | null = null
  if (version === null) problem = 'git is not on PATH'
  else if (!versionAtLeast(version, GIT_MIN_VERSION)) problem = `git ${version} is older than ${GIT_MIN_VERSION}`
  else if (!credential) problem = 'the connection has no credential git can use'
  if (problem !== null) {
    if (options.mode === 'git') throw new UsageError(`--commits-from git: ${problem}.`, {code: 'git_unavailable', remedy: GIT_INSTALL_HINT})
    options.warn(`Reading commits over REST (one request per commit for files): ${problem}. ${GIT_INSTALL_HINT}`)
    return null
  }
  const used = credential as HttpCredential
  return new GitCommitSource({
    provider: options.provider,
    connection: options.connection,
    connectionUrl: options.connectionUrl,
    gitDir: options.gitDir,
    env: options.env,
    rest: options.rest,
    authorization: () => used.authorization(),
    cloneUrl: (repo, signal) => fetchCloneUrl(options.client, options.provider, repo, signal),
    since: options.since ?? null,
    onMirror: options.onMirror,
  })
}
