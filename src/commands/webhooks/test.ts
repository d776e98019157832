import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {ExitCode} from '../../core/errors.js'
import type {TestResult} from '../../core/webhooks/test.js'
import {repoFlag} from './shared.js'

export default class WebhooksTest extends BaseCommand {
  static override summary = 'Send a test delivery to each webhook of ours and report what the receiver answered.'
  static override description = [
    'Data Center sends it itself (its webhook test endpoint, signed with the hook secret), proving it can reach the receiver.',
    'Bitbucket Cloud has no test endpoint: the hook is checked on Cloud, then this machine posts a signed sample repo:updated',
    'to the hook URL (this proves the URL, receiver and secret, not that Cloud can reach it). Exits 1 when a delivery failed.',
  ].join(' ')

  static override examples = ['<%= config.bin %> webhooks test', '<%= config.bin %> webhooks test --repo PROJ/api --json']

  static override flags = {
    repo: repoFlag,
    id: Flags.string({description: 'Only the hook with this id.'}),
  }

  async run(): Promise<TestResult> {
    const {flags} = await this.parse(WebhooksTest)
    const [{testWebhooks}, {renderTable}] = await Promise.all([
      import('../../core/webhooks/test.js'),
      import('../../ui/table.js'),
    ])
    const opened = await this.ctx.openWebhooks({name: flags.connection})
    try {
      const result = await testWebhooks(opened.ctx, {repos: flags.repo, id: flags.id})
      if (!this.jsonEnabled()) {
        this.ctx.io.stdout.write(renderTable(result.rows, [
          {header: 'TARGET', value: (r) => r.target, flex: true},
          {header: 'SCOPE', value: (r) => r.scope},
          {header: 'RESULT', value: (r) => (r.ok ? 'ok' : 'failed')},
          {header: 'STATUS', value: (r) => (r.status === null ? '-' : String(r.status))},
          {header: 'DETAIL', value: (r) => r.detail, flex: true},
        ], {maxWidth: this.ctx.io.stdout.isTTY ? this.ctx.io.stdout.columns : undefined}))
      }
      if (result.rows.some((r) => !r.ok)) this.setExitCode(ExitCode.Failure)
      return result
    } finally {
      await opened.close()
    }
  }
}
