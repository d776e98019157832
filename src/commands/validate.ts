import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {ExitCode} from '../core/errors.js'
import type {ValidateReport} from '../core/validate/types.js'

export default class Validate extends BaseCommand {
  static override summary = 'Pre-flight checks for CI: config, network, credentials, scopes, selected repos, rate limits.'
  static override description = `Runs every check concurrently, each bounded by --timeout, and prints one row per check
(id, title, status pass|warn|fail|skip, detail, remedy): a table on a terminal, plain lines otherwise,
{ok, checks} with --json.

Exit codes: 0 when nothing failed, 1 when a check failed (or, with --strict, warned). Authentication
failures are check rows too and exit 1, not 3, so CI always gets the full report.`

  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate --json --strict', '<%= config.bin %> validate --connection prod --timeout 5']

  static override flags = {
    strict: Flags.boolean({description: 'Fail (exit 1) on warnings too.', env: 'BB_INTEGRATE_VALIDATE_STRICT'}),
    timeout: Flags.integer({description: 'Seconds each check may take.', default: 8, min: 1, max: 120, env: 'BB_INTEGRATE_VALIDATE_TIMEOUT'}),
  }

  async run(): Promise<ValidateReport> {
    const {flags} = await this.parse(Validate)
    const [{validateConnection}, format] = await Promise.all([
      import('../core/validate/service.js'),
      import('../core/validate/format.js'),
    ])
    const timeoutMs = flags.timeout * 1000
    const {env} = this.ctx
    const report = await validateConnection({
      env, name: flags.connection, strict: flags.strict, timeoutMs,
      config: await this.ctx.configStore(),
      processEnv: this.ctx.processEnv,
      // Validate reports a plain secrets file or a slow keychain as findings, and must not wait 10 s on one.
      secretStore: await this.ctx.secretStores({quiet: true, keychainTimeoutMs: env.keychainTimeoutMs ?? Math.min(3000, timeoutMs)}),
      open: (options) => this.ctx.openConnection(options),
    })
    if (!this.jsonEnabled()) {
      // The report is the command's data: stdout, a table for people, plain lines for logs.
      const {stdout} = this.ctx.io
      stdout.write(stdout.isTTY ? format.formatTable(report, stdout.columns ?? 100) : format.formatPlain(report))
    }
    this.setExitCode(report.ok ? ExitCode.Ok : ExitCode.Failure)
    return report
  }
}
