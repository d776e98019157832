import {BaseCommand} from '../../base-command.js'

export interface ReposSelectedResult {
  connection: string
  selection: string[]
}

export default class ReposSelected extends BaseCommand {
  static override summary = 'Print the repositories selected for sync, one key per line (no network).'
  static override description = 'Reads the connection\'s saved selection (`repos select`). An empty selection means `sync` takes every repository the credential can see; this prints nothing then and says so on stderr.'
  static override examples = ['<%= config.bin %> repos selected', '<%= config.bin %> repos selected --json', '<%= config.bin %> repos selected --jq length']

  async run(): Promise<ReposSelectedResult> {
    const {flags} = await this.parse(ReposSelected)
    const {UsageError} = await import('../../core/errors.js')
    const {env} = this.ctx
    const config = await this.ctx.configStore()
    const name = flags.connection ?? env.connection ?? config.defaultConnectionName()
    if (!name || !config.getConnection(name)) {
      throw new UsageError(name ? `No connection named "${name}"` : 'No connection', {
        code: 'no_connection',
        remedy: 'Run `bb-integrate auth login` (or `connect`), or name one with --connection.',
      })
    }
    const selection = config.getSelection(name)
    if (!this.jsonEnabled()) {
      if (selection.length) this.ctx.io.stdout.write(selection.join('\n') + '\n')
      else this.info(`No repositories selected on ${name}: sync takes every repository the credential can see (\`repos select\` to choose).`)
    }
    return {connection: name, selection}
  }
}
