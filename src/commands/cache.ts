import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class Cache extends BaseCommand {
  static override summary = 'Show the disk use of the git mirrors; --prune removes mirrors of repositories no longer selected.'
  static override description = `One bare mirror per repository lives under the git directory (--git-dir, BB_INTEGRATE_GIT_DIR,
default <data dir>/mirrors). --prune removes the mirrors of repositories that their connection no longer
selects (a connection with an empty selection syncs everything: none of its mirrors are pruned) and of
connections that no longer exist.`

  static override examples = [
    '<%= config.bin %> cache',
    '<%= config.bin %> cache --prune --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    prune: Flags.boolean({description: 'Remove mirrors of repositories no longer selected.'}),
    'git-dir': Flags.string({description: 'Where the git mirrors live (default: <data dir>/mirrors).', env: 'BB_INTEGRATE_GIT_DIR'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Cache)
    const [{defaultGitDir}, {listMirrors, prunable, removeMirror}] = await Promise.all([
      import('../core/git/choose.js'),
      import('../core/git/cache.js'),
    ])
    const gitDir = flags['git-dir'] ?? defaultGitDir(this.ctx.processEnv)
    const mirrors = listMirrors(gitDir)
    let pruned: typeof mirrors = []
    if (flags.prune) {
      const config = await this.ctx.configStore()
      const selections = new Map(config.listConnections().map((c) => [c.name, c.selection] as const))
      pruned = prunable(mirrors, selections)
      for (const m of pruned) removeMirror(m)
    }
    const kept = mirrors.filter((m) => !pruned.includes(m))
    const result = {
      gitDir,
      totalBytes: kept.reduce((n, m) => n + m.bytes, 0),
      mirrors: kept.map(({connection, repo, bytes}) => ({connection, repo, bytes})),
      pruned: pruned.map(({connection, repo, bytes}) => ({connection, repo, bytes})),
    }
    if (!this.jsonEnabled()) {
      const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`
      this.log(`Git mirrors in ${gitDir}: ${kept.length}, ${mib(result.totalBytes)}`)
      for (const m of kept) this.log(`  ${m.connection}  ${m.repo}  ${mib(m.bytes)}`)
      for (const m of pruned) this.log(`  pruned ${m.connection}  ${m.repo}  (${mib(m.bytes)} freed)`)
    }
    return result
  }
}
