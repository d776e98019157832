import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export interface ReposSelectResult {
  connection: string
  selection: string[]
  added: string[]
  removed: string[]
  /** --repo keys that do not exist or are not visible (reported, not fatal). */
  notFound: string[]
}

const FLAG_HELP = '--all, --repo KEY, --match GLOB, --workspace, --project or --clear'

export default class ReposSelect extends BaseCommand {
  static override summary = 'Choose the repositories `sync` uses: an interactive picker, or flags for scripts.'
  static override description = `On a terminal with no flags: a picker (type / to filter, space toggles, a all, n none, enter saves,
esc cancels with exit 4). With flags it runs unattended: --workspace/--project narrow the candidates,
--all/--repo/--match pick among them (scope flags alone pick everything in scope), and the picks are
added to the current selection unless --clear starts from nothing. An unknown --repo is a warning;
nothing matched at all is exit 2. The selection is saved in the connection's config.`

  static override examples = [
    '<%= config.bin %> repos select',
    '<%= config.bin %> repos select --clear --match "acme/api-*" --repo acme/web',
    '<%= config.bin %> repos select --workspace acme --project CORE',
    '<%= config.bin %> repos select --clear',
  ]

  static override flags = {
    all: Flags.boolean({description: 'Select every repository (within --workspace/--project).'}),
    repo: Flags.string({description: 'Select this repository key (workspace/slug or PROJECT/slug); repeatable.', multiple: true}),
    match: Flags.string({description: 'Select keys matching this glob (picomatch, case-insensitive); repeatable.', multiple: true}),
    workspace: Flags.string({description: 'Only repositories of this Cloud workspace (Data Center: project key); repeatable.', multiple: true}),
    project: Flags.string({description: 'Only repositories of this project key; repeatable.', multiple: true}),
    clear: Flags.boolean({description: 'Start from an empty selection (alone: clear it).'}),
  }

  async run(): Promise<ReposSelectResult> {
    const {flags} = await this.parse(ReposSelect)
    const [selection, errors] = await Promise.all([
      import('../../core/repos/selection.js'),
      import('../../core/errors.js'),
    ])
    const request = {all: flags.all, repos: flags.repo, match: flags.match, workspaces: flags.workspace, projects: flags.project, clear: flags.clear}
    const unattended = selection.hasSelectionFlags(request)
    // Fail before touching the network or the keychain.
    if (!unattended && !this.interactive) {
      throw new errors.UsageError('repos select needs a terminal for the picker, or selection flags.', {
        code: 'missing_flags',
        remedy: `Pass ${FLAG_HELP} (e.g. \`bb-integrate repos select --all\`).`,
      })
    }

    const config = await this.ctx.configStore()
    const opened = await this.ctx.openConnection({name: flags.connection})
    const name = opened.connection.name
    try {
      const current = opened.connection.selection
      let result: ReposSelectResult
      if (unattended) {
        const outcome = await selection.resolveSelection({provider: opened.provider, current, request})
        // stderr even under --json (oclif's warn() is silent there): a typo must not go unnoticed.
        for (const key of outcome.notFound) this.ctx.io.stderr.write(`Warning: repository ${key} does not exist or is not visible; skipped.\n`)
        result = {connection: name, selection: outcome.selection, added: outcome.added, removed: outcome.removed, notFound: outcome.notFound}
      } else {
        const [{renderRepoPicker}, {listRepositories}] = await Promise.all([import('../../ui/picker/render.js'), import('../../core/repos/list.js')])
        const picked = await renderRepoPicker({
          title: `Select repositories to sync · ${name} (${opened.connection.provider === 'cloud' ? 'Bitbucket Cloud' : 'Bitbucket Data Center'})`,
          initial: current,
          color: this.color,
          stdout: this.ctx.io.stderr as NodeJS.WriteStream,
          stdin: this.ctx.io.stdin as NodeJS.ReadStream,
          load: async (onPage, signal) => {
            await listRepositories(opened.provider, {signal, onPage: (page) => onPage(page)})
          },
        })
        if (!picked.confirmed) {
          throw new errors.InterruptedError('Selection cancelled; nothing changed.', {code: 'cancelled'})
        }
        const before = new Set(current)
        const after = new Set(picked.selection)
        result = {
          connection: name,
          selection: picked.selection,
          added: picked.selection.filter((k) => !before.has(k)),
          removed: current.filter((k) => !after.has(k)),
          notFound: [],
        }
      }
      config.setSelection(name, result.selection)
      this.info(`${result.selection.length.toLocaleString('en-US')} repositories selected on ${name} (+${result.added.length} −${result.removed.length}).`)
      return result
    } finally {
      await opened.close()
    }
  }
}
