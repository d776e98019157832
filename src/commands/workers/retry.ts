import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class WorkersRetry extends BaseCommand {
  static override summary = 'Queue failed sync jobs again, now, with a fresh set of attempts.'
  static override examples = ['<%= config.bin %> workers retry --store postgres://bb@db/metrics']

  static override flags = {
    store: Flags.string({description: 'The PostgreSQL store (postgres://…) that holds the queue.', env: 'BB_INTEGRATE_STORE'}),
  }

  async run(): Promise<{retried: number}> {
    const {flags} = await this.parse(WorkersRetry)
    const [{openQueue}, {retryFailed}] = await Promise.all([import('../../core/workers/queue.js'), import('../../core/workers/status.js')])
    const queue = await openQueue(flags.store, this.ctx.processEnv)
    try {
      const retried = await retryFailed(queue)
      this.info(retried === 0 ? 'No failed jobs.' : `Queued ${retried} failed job(s) again.`)
      return {retried}
    } finally {
      await queue.close()
    }
  }
}
