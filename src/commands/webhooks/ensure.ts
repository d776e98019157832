import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {ExitCode} from '../../core/errors.js'
import type {EnsureResult} from '../../core/webhooks/ensure.js'
import {dryRunFlag, repoFlag, rowsTable} from './shared.js'

export default class WebhooksEnsure extends BaseCommand {
  static override summary = 'Create, update or remove our webhooks so each target has exactly one, as asked.'
  static override description = [
    'Our hooks carry the marker bb-integrate:<connection> in their description (Cloud) or name (Data Center); hooks',
    'without it are never touched. Prints one row per target (create|update|delete|keep|error); exits 1 when a row is',
    'an error. The webhook secret (32 random bytes) is kept in the secret store beside the credentials and never printed.',
  ].join(' ')

  static override examples = [
    '<%= config.bin %> webhooks ensure --url https://hooks.example.com/bb',
    '<%= config.bin %> webhooks ensure --url https://hooks.example.com/bb --scope repo --repo acme/api --dry-run',
    '<%= config.bin %> webhooks ensure --rotate-secret --json',
  ]

  static override flags = {
    url: Flags.string({description: 'Where Bitbucket delivers (default: the URL of the last ensure).'}),
    repo: repoFlag,
    scope: Flags.string({
      description: 'auto: a Cloud workspace hook when you own the workspace / a Data Center project hook (8.8+) when you administer the project, else repository hooks.',
      options: ['auto', 'workspace', 'project', 'repo'],
    }),
    events: Flags.string({description: 'Event keys (comma-separated or repeated; default: everything the store uses).', multiple: true}),
    'dry-run': dryRunFlag,
    'rotate-secret': Flags.boolean({description: 'Replace the webhook secret, in the store and on every hook of ours.'}),
  }

  async run(): Promise<EnsureResult> {
    const {flags} = await this.parse(WebhooksEnsure)
    const {ensureWebhooks} = await import('../../core/webhooks/ensure.js')
    const opened = await this.ctx.openWebhooks({name: flags.connection})
    try {
      const result = await ensureWebhooks(opened.ctx, {
        url: flags.url, repos: flags.repo, scope: flags.scope as EnsureResult['scope'] | undefined, events: flags.events,
        dryRun: flags['dry-run'], rotateSecret: flags['rotate-secret'],
      })
      if (!this.jsonEnabled()) {
        if (result.rows.length > 0) this.ctx.io.stdout.write(await rowsTable(result.rows, this.ctx.io.stdout.isTTY ? this.ctx.io.stdout.columns : undefined))
        const counts = ['create', 'update', 'delete', 'keep', 'error'].map((a) => [a, result.rows.filter((r) => r.action === a).length] as const)
          .filter(([, n]) => n > 0).map(([a, n]) => `${n} ${a}`).join(', ')
        this.info(`${result.dryRun ? 'Dry run (nothing sent): ' : ''}${counts || 'nothing to do'} — ${result.events.length} events to ${result.url}.`)
        if (result.secret.rotated) this.info('The webhook secret was replaced (it is never printed).')
      }
      if (result.rows.some((r) => r.action === 'error')) this.setExitCode(ExitCode.Failure)
      return result
    } finally {
      await opened.close()
    }
  }
}
