import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export interface AuthSwitchResult {
  defaultConnection: string
  previous: string | null
}

export default class AuthSwitch extends BaseCommand {
  static override summary = 'Make another connection the default (as `gh auth switch`).'
  static override description = 'Commands use the default connection unless --connection or BB_INTEGRATE_CONNECTION names one. With two connections and no name, switches to the other one.'
  static override examples = ['<%= config.bin %> auth switch work', '<%= config.bin %> auth switch']

  static override args = {
    name: Args.string({description: 'Connection to make the default.'}),
  }

  async run(): Promise<AuthSwitchResult> {
    const {args} = await this.parse(AuthSwitch)
    const {UsageError} = await import('../../core/errors.js')
    const config = await this.ctx.configStore()
    const previous = config.defaultConnectionName() ?? null
    const names = config.listConnections().map((c) => c.name)
    let name = args.name
    if (name === undefined) {
      const others = names.filter((n) => n !== previous)
      if (others.length !== 1) {
        throw new UsageError(names.length === 0 ? 'No connection to switch to' : `Name the connection to switch to (one of: ${names.join(', ')})`, {
          code: 'missing_args',
          remedy: names.length === 0 ? 'Run `bb-integrate auth login`.' : 'e.g. `bb-integrate auth switch <name>`.',
        })
      }
      name = others[0] as string
    }
    if (!names.includes(name)) {
      throw new UsageError(`No connection named "${name}"`, {code: 'no_connection', remedy: names.length ? `Connections: ${names.join(', ')}.` : 'Run `bb-integrate auth login`.'})
    }
    config.setDefaultConnection(name)
    this.info(previous === name ? `${name} is already the default connection.` : `Default connection: ${name}${previous ? ` (was ${previous})` : ''}.`)
    return {defaultConnection: name, previous}
  }
}
