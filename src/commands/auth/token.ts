import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class AuthToken extends BaseCommand {
  static override summary = 'Print the token a connection sends (for scripts), to stdout only.'
  static override description = `As \`gh auth token\`: the API token, access token or OAuth access token (refreshed first when it
has expired) of the connection's first credential, or --credential. With BB_INTEGRATE_TOKEN set, that token.
The token goes to stdout and nowhere else: never in --json output, never on stderr.`

  static override examples = ['<%= config.bin %> auth token', 'curl -H "Authorization: Bearer $(<%= config.bin %> auth token --name dc)" …']
  // The secret is printed only as the bare value asked for, never inside a JSON document.
  static override enableJsonFlag = false

  static override flags = {
    name: Flags.string({description: 'Connection (default: the default connection).'}),
    credential: Flags.string({description: 'Credential id on the connection (see `auth status`; default: the first).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(AuthToken)
    const {credentialToken} = await import('../../core/auth/token.js')
    const {token} = await credentialToken({
      config: await this.ctx.configStore(),
      env: this.ctx.env,
      name: flags.name ?? flags.connection,
      credentialId: flags.credential,
      resolve: await this.ctx.secretStores(),
      refresh: (name) => this.ctx.openConnection({name}),
    })
    this.ctx.io.stdout.write(token + '\n')
  }
}
