import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {ExitCode} from '../../core/errors.js'
import type {DeleteResult} from '../../core/webhooks/delete.js'
import {dryRunFlag, repoFlag, rowsTable} from './shared.js'

export default class WebhooksDelete extends BaseCommand {
  static override summary = 'Delete our webhooks (only hooks carrying the bb-integrate:<connection> marker).'
  static override description = 'Without --repo and --id every hook of ours on the selected repositories and their workspaces/projects is removed, and the recorded webhook setup is forgotten. Exits 1 when a target could not be read or changed.'
  static override examples = [
    '<%= config.bin %> webhooks delete',
    '<%= config.bin %> webhooks delete --repo acme/api --dry-run',
    '<%= config.bin %> webhooks delete --id "{2c1f…}" --json',
  ]

  static override flags = {
    repo: repoFlag,
    id: Flags.string({description: 'Only the hook with this id (it must be ours).'}),
    'dry-run': dryRunFlag,
  }

  async run(): Promise<DeleteResult> {
    const {flags} = await this.parse(WebhooksDelete)
    const {deleteWebhooks} = await import('../../core/webhooks/delete.js')
    const opened = await this.ctx.openWebhooks({name: flags.connection})
    try {
      const result = await deleteWebhooks(opened.ctx, {repos: flags.repo, id: flags.id, dryRun: flags['dry-run']})
      if (!this.jsonEnabled()) {
        if (result.rows.length > 0) this.ctx.io.stdout.write(await rowsTable(result.rows, this.ctx.io.stdout.isTTY ? this.ctx.io.stdout.columns : undefined))
        const deleted = result.rows.filter((r) => r.action === 'delete').length
        this.info(`${result.dryRun ? 'Dry run (nothing sent): would delete' : 'Deleted'} ${deleted} webhook(s) of ours.`)
      }
      if (result.rows.some((r) => r.action === 'error')) this.setExitCode(ExitCode.Failure)
      return result
    } finally {
      await opened.close()
    }
  }
}
