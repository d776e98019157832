import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {DisconnectResult} from '../core/auth/disconnect.js'
import {UsageError} from '../core/errors.js'

export default class Disconnect extends BaseCommand {
  static override summary = 'Remove a connection: its secrets (keychain or file) and its config.'
  static override description =
    '--remove-webhooks is accepted but pending: webhook removal arrives with the webhooks feature, and until then this command says so and removes none.'

  static override examples = ['<%= config.bin %> disconnect', '<%= config.bin %> disconnect --name work --json']

  static override flags = {
    name: Flags.string({description: 'Connection to remove (default: the default connection).'}),
    'remove-webhooks': Flags.boolean({description: 'Also delete the webhooks bb-integrate created (pending: not implemented yet).'}),
  }

  async run(): Promise<DisconnectResult> {
    const {flags} = await this.parse(Disconnect)
    const [{disconnect}, {ConfigStore}, {createSecretStoreResolver}, {readEnv}] = await Promise.all([
      import('../core/auth/disconnect.js'),
      import('../core/config/store.js'),
      import('../core/auth/stores.js'),
      import('../core/env.js'),
    ])
    const env = readEnv()
    const config = new ConfigStore({configDir: env.configDir})
    const name = flags.name ?? flags.connection ?? config.defaultConnectionName()
    if (!name) throw new UsageError('No connection to remove', {code: 'no_connection', remedy: 'Name one with --name.'})
    if (flags['remove-webhooks']) {
      this.info('Note: --remove-webhooks is pending — webhook removal is not implemented yet, so no webhook was removed. Delete them in Bitbucket (repository/workspace settings → Webhooks).')
    }
    const result = await disconnect({
      config,
      secretStores: createSecretStoreResolver({configDir: config.dir, warn: (m) => process.stderr.write(m + '\n'), keychainTimeoutMs: env.keychainTimeoutMs}),
      name,
      removeWebhooks: Boolean(flags['remove-webhooks']),
    })
    this.info(`Disconnected ${result.connection}: removed ${result.removedSecrets.length} secret(s) and its config.`)
    return result
  }
}
