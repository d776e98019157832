import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import type {AuthStatus as AuthStatusResult} from '../../core/auth/status.js'
import {ExitCode, UsageError} from '../../core/errors.js'

export default class AuthStatus extends BaseCommand {
  static override summary = 'Show connections, identities, credential kinds, where each secret lives and token expiry.'
  static override description =
    'Reads only metadata; no secret is printed. With --check, asks the API once per credential and exits 3 when any is invalid.'

  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --check --json']

  static override flags = {
    name: Flags.string({description: 'Only this connection.'}),
    check: Flags.boolean({description: 'Verify every credential against the API (exit 3 if any is invalid).'}),
  }

  async run(): Promise<AuthStatusResult> {
    const {flags} = await this.parse(AuthStatus)
    const {authStatus} = await import('../../core/auth/status.js')
    const {env} = this.ctx
    const config = await this.ctx.configStore()
    const status = await authStatus({
      config, env, name: flags.name ?? flags.connection, check: flags.check,
      ...(flags.check ? {opener: (options) => this.ctx.openConnection(options)} : {}),
    })

    if (status.connections.length === 0 && flags.name) {
      // A name that matches nothing is a mistake (a typo, a removed connection), not an empty answer.
      const known = config.listConnections().map((c) => c.name)
      throw new UsageError(`No connection named "${flags.name}".`, {
        code: 'no_connection',
        remedy: known.length ? `Connections: ${known.join(', ')}.` : 'Run `bb-integrate connect` to create one.',
      })
    }
    if (status.connections.length === 0) this.info('No connection — run `bb-integrate connect`.')
    for (const c of status.connections) {
      this.info(`${c.name}${c.isDefault ? ' (default)' : ''}: ${c.provider} ${c.url} — ${c.selection} repos selected`)
      for (const k of c.credentials) {
        const who = k.identity.displayName ?? k.identity.accountId ?? k.identity.id
        const where = k.store === 'keychain' ? 'OS keychain' : `plain file ${k.storePath}`
        const expiry = k.expiresAt ? `, access token ${k.expired ? 'expired (refreshed on next use)' : `expires ${k.expiresAt}`}` : ''
        const check = k.check ? ` — ${k.check.status}${k.check.message ? `: ${k.check.message}` : ''}` : ''
        this.info(`  ${k.id}: ${k.kind} as ${who} [${k.principal}], secret in ${where}${expiry}${check}`)
      }
    }
    if (status.envToken) this.info('BB_INTEGRATE_TOKEN is set: it overrides the stored credentials.')
    if (status.envCheck) {
      const e = status.envCheck
      this.info(`  BB_INTEGRATE_TOKEN${e.connection ? ` on ${e.connection}` : ''}: ${e.status}${e.identity ? ` as ${e.identity}` : ''}${e.message ? `: ${e.message}` : ''}`)
    }
    if (flags.check && status.valid === false) this.setExitCode(ExitCode.Auth)
    return status
  }
}
