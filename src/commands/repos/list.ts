import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import type {Repository} from '../../core/model.js'

export default class ReposList extends BaseCommand {
  static override summary = 'List every repository the connection can see (all pages).'
  static override description = 'A table on stdout (key, project, private, default branch, updated), or a JSON array of repository entities with --json.'
  static override examples = [
    '<%= config.bin %> repos list',
    '<%= config.bin %> repos list --workspace acme --project CORE',
    '<%= config.bin %> repos list --json | jq -r ".[].key"',
  ]

  static override flags = {
    workspace: Flags.string({description: 'Only this Cloud workspace (Data Center: project key).', env: 'BB_INTEGRATE_WORKSPACE'}),
    project: Flags.string({description: 'Only this project key.', env: 'BB_INTEGRATE_PROJECT'}),
  }

  async run(): Promise<Repository[]> {
    const {flags} = await this.parse(ReposList)
    const [{listRepositories}, {renderTable}] = await Promise.all([
      import('../../core/repos/list.js'),
      import('../../ui/table.js'),
    ])
    const opened = await this.ctx.openConnection({name: flags.connection})
    try {
      const {stdout, stderr} = this.ctx.io
      const live = stderr.isTTY && !this.jsonEnabled()
      const repos = await listRepositories(opened.provider, {
        scope: {workspaces: flags.workspace ? [flags.workspace] : [], projects: flags.project ? [flags.project] : []},
        onPage: live ? (_page, total) => stderr.write(`\rLoading… ${total.toLocaleString('en-US')} repos`) : undefined,
      })
      if (live) stderr.write('\r\u001B[K')
      repos.sort((a, b) => a.key.localeCompare(b.key))
      if (!this.jsonEnabled()) {
        if (repos.length > 0) {
          stdout.write(
            renderTable(repos, [
              {header: 'KEY', value: (r) => r.key, flex: true},
              {header: 'PROJECT', value: (r) => r.project ?? '-'},
              {header: 'PRIVATE', value: (r) => (r.isPrivate ? 'yes' : 'no')},
              {header: 'DEFAULT BRANCH', value: (r) => r.defaultBranch ?? '-', flex: true},
              // Data Center does not report repository dates: "-" rather than an invented value.
              {header: 'UPDATED', value: (r) => r.updatedAt?.slice(0, 10) ?? '-'},
            ], {maxWidth: stdout.isTTY ? stdout.columns : undefined}),
          )
        }
        this.info(`${repos.length.toLocaleString('en-US')} repositories on ${opened.connection.name}.`)
      }
      return repos
    } finally {
      await opened.close()
    }
  }
}
