import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {ExitCode, UsageError} from '../core/errors.js'

export default class Worker extends BaseCommand {
  static override summary = 'Run a worker: take per-repository sync jobs from the PostgreSQL queue until stopped.'
  static override description = `Jobs come from \`sync --enqueue\`, from webhook deliveries and from the catch-up schedule. Any
number of workers on any number of machines share one queue and one request budget per principal,
both kept in the PostgreSQL store (docs/workers.md). A worker killed outright loses its jobs to the
others after BB_INTEGRATE_WORKER_STALE_MS (default 60 s) without a heartbeat.

Stop: Ctrl-C / SIGTERM stops taking jobs, ends the running ones after their current page (they
go back to the queue) and exits 0; a second signal leaves at once (exit 4). Output: plain lines on
stderr, NDJSON on stdout with --json.`

  static override examples = [
    '<%= config.bin %> worker --store postgres://bb@db/metrics',
    '<%= config.bin %> worker --store postgres://bb@db/metrics --concurrency 4 --json',
    '<%= config.bin %> worker --store postgres://bb@db/metrics --catch-up "*/30 * * * *"',
  ]

  static override flags = {
    store: Flags.string({description: 'The PostgreSQL store (postgres://…) that holds the data and the queue.', env: 'BB_INTEGRATE_STORE'}),
    concurrency: Flags.integer({description: 'Jobs (repositories) this worker runs at once.', default: 2, min: 1, max: 64}),
    'catch-up': Flags.string({description: 'Crontab time pattern for queueing every repository of the connection again, or "off".', default: '0 * * * *'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Worker)
    const [{openQueue}, {runWorker}, lines] = await Promise.all([
      import('../core/workers/queue.js'),
      import('../core/workers/worker.js'),
      import('../ui/worker-lines.js'),
    ])
    const json = this.jsonEnabled()
    const {io} = this.ctx
    const emit = json ? lines.workerNdjson((line) => io.stdout.write(line)) : lines.workerPlain((line) => io.stderr.write(line))
    const {env} = this.ctx
    const catchUp = flags['catch-up'].trim()
    let catchUpConnections: string[] = []
    if (catchUp !== 'off') {
      if (catchUp.split(/\s+/).length !== 5) {
        throw new UsageError(`Invalid --catch-up "${catchUp}": expected a crontab time pattern such as "0 * * * *", or "off".`, {code: 'bad_catch_up'})
      }
      const config = await this.ctx.configStore()
      const name = flags.connection ?? env.connection ?? config.defaultConnectionName() ?? (env.token ? 'default' : undefined)
      catchUpConnections = name === undefined ? [] : [name]
    }
    const queue = await openQueue(flags.store, this.ctx.processEnv)
    const store = await this.ctx.openStore(flags.store).catch(async (error: unknown) => {
      await queue.close()
      throw error
    })
    const controller = new AbortController()
    const {onStopSignals} = await import('../core/workers/signals.js')
    const offSignals = onStopSignals((handler) => this.ctx.signals.onInterrupt(handler), () => controller.abort(), () => this.ctx.signals.exitNow(ExitCode.Interrupted))
    try {
      await runWorker({
        queue, store, env, processEnv: this.ctx.processEnv, open: (options) => this.ctx.openConnection(options),
        concurrency: flags.concurrency, emit, signal: controller.signal,
        catchUp: catchUpConnections.length > 0 ? {pattern: catchUp, connections: catchUpConnections} : undefined,
      })
    } finally {
      offSignals()
      await Promise.allSettled([store.close(), queue.close()])
    }
  }
}
