/**
 * The `git` row: is a git ≥ 2.31 on PATH (else `sync --commits-from auto` reads commits over REST), and
 * can it fetch one selected repository with this connection's credential (`git ls-remote` over the
 * API's clone link).
 */
import {GIT_INSTALL_HINT} from '../../git/choose.js'
import {GIT_MIN_VERSION, versionAtLeast} from '../../git/exec.js'
import {row} from '../check.js'
import type {Check} from '../check.js'

export const gitCheck: Check = {
  id: 'git',
  title: 'Git (commits from mirrors)',
  async run({deps, authGate, signal}) {
    const {id, title} = gitCheck
    if (!deps.git) return [row(id, title, 'skip', 'no connection to fetch with')]
    const version = await deps.git.version()
    if (version === null) return [row(id, title, 'warn', 'git is not on PATH: sync reads commits over REST (one request per commit for files).', GIT_INSTALL_HINT)]
    if (!versionAtLeast(version, GIT_MIN_VERSION)) return [row(id, title, 'warn', `git ${version} is older than ${GIT_MIN_VERSION}: sync reads commits over REST.`, GIT_INSTALL_HINT)]
    const gate = await authGate()
    if (gate) return [row(id, title, 'pass', `git ${version}; fetch not tried: ${gate}`)]
    const repo = deps.connection?.selection[0]
    if (!repo) return [row(id, title, 'pass', `git ${version}; no selected repository to try a fetch with`)]
    try {
      await deps.git.tryFetch(repo, signal)
      return [row(id, title, 'pass', `git ${version} can fetch ${repo}`)]
    } catch (error) {
      return [row(id, title, 'fail', `git ${version} cannot fetch ${repo}: ${error instanceof Error ? error.message : String(error)}`,
        'Check that the credential may read repositories (Cloud API tokens need read:repository:bitbucket), or sync with --commits-from rest.')]
    }
  },
}
