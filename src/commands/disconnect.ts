import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {DisconnectResult} from '../core/auth/disconnect.js'
import {AuthError, BbError, UsageError} from '../core/errors.js'

export default class Disconnect extends BaseCommand {
  static override summary = 'Remove a connection: its secrets (keychain or file) and its config.'
  static override description =
    'With --remove-webhooks, first deletes the webhooks bb-integrate created for it (only hooks carrying its bb-integrate:<connection> marker) on the selected repositories and their workspaces/projects; if any cannot be deleted, nothing is forgotten.'

  static override examples = [
    '<%= config.bin %> disconnect',
    '<%= config.bin %> disconnect --name work --json',
    '<%= config.bin %> disconnect --remove-webhooks',
  ]

  static override flags = {
    name: Flags.string({description: 'Connection to remove (default: the default connection).'}),
    'remove-webhooks': Flags.boolean({description: 'Also delete the webhooks bb-integrate created for this connection.'}),
  }

  async run(): Promise<DisconnectResult> {
    const {flags} = await this.parse(Disconnect)
    const {disconnect} = await import('../core/auth/disconnect.js')
    const config = await this.ctx.configStore()
    const name = flags.name ?? flags.connection ?? config.defaultConnectionName()
    if (!name) throw new UsageError('No connection to remove', {code: 'no_connection', remedy: 'Name one with --name.'})
    const secretStores = await this.ctx.secretStores()
    const removeWebhooks = flags['remove-webhooks'] ? async (): Promise<number> => {
      const {deleteWebhooks} = await import('../core/webhooks/delete.js')
      try {
        const opened = await this.ctx.openWebhooks({name})
        try {
          const {rows} = await deleteWebhooks(opened.ctx, {})
          const failed = rows.filter((r) => r.action === 'error')
          if (failed.length > 0) {
            throw new BbError(`Could not delete the webhooks on ${failed.map((r) => r.target).join(', ')}: ${failed[0]!.reason}`, {code: 'webhooks_not_removed'})
          }
          return rows.length
        } finally {
          await opened.close()
        }
      } catch (error) {
        if (!(error instanceof BbError)) throw error
        const Kind = error instanceof AuthError ? AuthError : error instanceof UsageError ? UsageError : BbError
        throw new Kind(`${error.message} — the connection "${name}" is kept.`, {
          code: error.code, cause: error,
          remedy: 'Fix the access and retry, or run `bb-integrate disconnect` without --remove-webhooks and delete the hooks in Bitbucket (repository/workspace settings → Webhooks).',
        })
      }
    } : undefined
    const result = await disconnect({config, secretStores, name, removeWebhooks})
    if (result.webhooks.requested) this.info(`Deleted ${result.webhooks.removed} webhook(s) of ${result.connection}.`)
    this.info(`Disconnected ${result.connection}: removed ${result.removedSecrets.length} secret(s) and its config.`)
    return result
  }
}
