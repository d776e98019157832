import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {DemoResult} from '../demo/tour.js'

export default class Demo extends BaseCommand {
  static override summary = 'Tour the product end to end against the bundled Bitbucket emulator (no account needed).'
  static override description = `Starts the Bitbucket Cloud (or Data Center) emulator on 127.0.0.1, mints a scoped API token, and runs
connect → repos list → repos select → validate → sync → (changes happen) → incremental sync → webhooks listen
(--ensure --ephemeral: a change reaches the store through a signed delivery, no sync) → export,
in a throwaway config directory. Nothing touches your real configuration or keychain.`

  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --provider datacenter', '<%= config.bin %> demo --keep']

  static override flags = {
    provider: Flags.string({options: ['cloud', 'datacenter'], default: 'cloud', description: 'Which Bitbucket to emulate.'}),
    dataset: Flags.string({options: ['tiny', 'small', 'medium'], default: 'small', description: 'How much data the emulator serves.'}),
    keep: Flags.boolean({description: 'Keep the emulator running afterwards and print how to use it.'}),
    'config-dir': Flags.string({description: 'Config/data directory for the tour, kept afterwards (default: a new temporary directory, removed at the end).'}),
  }

  async run(): Promise<DemoResult> {
    const {flags} = await this.parse(Demo)
    const {runDemo} = await import('../demo/tour.js')
    return runDemo({
      provider: flags.provider as 'cloud' | 'datacenter',
      dataset: flags.dataset as 'tiny' | 'small' | 'medium',
      keep: flags.keep,
      configDir: flags['config-dir'],
      json: this.jsonEnabled(),
      binPath: `${this.config.root}/bin/run.js`,
      log: (line) => this.info(line),
    })
  }
}
