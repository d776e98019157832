import {BaseCommand} from '../../base-command.js'
import {ExitCode} from '../../core/errors.js'
import type {ListResult} from '../../core/webhooks/list.js'
import {repoFlag} from './shared.js'

export default class WebhooksList extends BaseCommand {
  static override summary = 'Show the webhooks on the selected repositories and their workspaces/projects, ours marked, with drift.'
  static override description = 'OURS is "yes" for hooks carrying the bb-integrate:<connection> marker; DRIFT names what differs from the last `webhooks ensure` (url, events, active, secret). Exits 1 when a target could not be read.'
  static override examples = ['<%= config.bin %> webhooks list', '<%= config.bin %> webhooks list --repo acme/api --json']

  static override flags = {repo: repoFlag}

  async run(): Promise<ListResult> {
    const {flags} = await this.parse(WebhooksList)
    const [{listWebhooks}, {renderTable}] = await Promise.all([
      import('../../core/webhooks/list.js'),
      import('../../ui/table.js'),
    ])
    const opened = await this.ctx.openWebhooks({name: flags.connection})
    try {
      const result = await listWebhooks(opened.ctx, {repos: flags.repo})
      if (!this.jsonEnabled()) {
        if (result.hooks.length > 0) {
          this.ctx.io.stdout.write(renderTable(result.hooks, [
            {header: 'TARGET', value: (h) => h.target, flex: true},
            {header: 'SCOPE', value: (h) => h.scope},
            {header: 'ID', value: (h) => h.id},
            {header: 'OURS', value: (h) => (h.ours ? 'yes' : 'no')},
            {header: 'ACTIVE', value: (h) => (h.active ? 'yes' : 'no')},
            {header: 'URL', value: (h) => h.url, flex: true},
            {header: 'EVENTS', value: (h) => String(h.events.length)},
            {header: 'DRIFT', value: (h) => (h.drift === null ? '-' : h.drift.join(',') || 'none')},
          ], {maxWidth: this.ctx.io.stdout.isTTY ? this.ctx.io.stdout.columns : undefined}))
        }
        for (const e of result.errors) this.info(`${e.target} (${e.scope}): ${e.reason}`)
        this.info(`${result.hooks.length} webhook(s), ${result.hooks.filter((h) => h.ours).length} of ours.`)
      }
      if (result.errors.length > 0) this.setExitCode(ExitCode.Failure)
      return result
    } finally {
      await opened.close()
    }
  }
}
