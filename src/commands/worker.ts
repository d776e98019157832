import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import type {WorkerEvent} from '../core/workers/worker.js'

/** How often the live view reads the queue's depth and the budgets. */
const STATUS_EVERY_MS = 1000

export default class Worker extends BaseCommand {
  static override summary = 'Run a worker: take per-repository sync jobs from the PostgreSQL queue until stopped.'
  static override description = `Jobs come from \`sync --enqueue\`, from webhook deliveries and from the catch-up schedule. Any
number of workers on any number of machines share one queue and one request budget per principal,
both kept in the PostgreSQL store (docs/workers.md). A worker killed outright loses its jobs to the
others after BB_INTEGRATE_WORKER_STALE_MS (default 60 s) without a heartbeat.

Stop: Ctrl-C / SIGTERM stops taking jobs, ends the running ones after their current page (they
go back to the queue) and exits 0; a second signal leaves at once (exit 4). Output: a live view on
a terminal (running jobs, the queue, each principal's budget), plain lines on stderr otherwise, NDJSON
on stdout with --json.`

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
    const [{openQueue}, {runWorker}, {runLongOperation}] = await Promise.all([
      import('../core/workers/queue.js'),
      import('../core/workers/worker.js'),
      import('../runner.js'),
    ])
    const json = this.jsonEnabled()
    const {env, io} = this.ctx
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
    // Only the live view reads the queue's depth and the budgets every second.
    let live = false
    try {
      // The first SIGINT/SIGTERM (or q in the live view) stops taking jobs and ends the running ones after
      // their current page; they go back to the queue and the worker exits 0. A second signal leaves at once (4).
      await runLongOperation<WorkerEvent, void>({
        ctx: this.ctx,
        json,
        renderers: {
          ndjson: async () => ({sink: (await import('../ui/worker-lines.js')).workerNdjson((line) => io.stdout.write(line)), finish: async () => undefined}),
          live: async (onQuit) => {
            const {renderWorkerDashboard} = await import('../ui/worker-dashboard.js')
            const handle = renderWorkerDashboard({onQuit, color: this.color, stdout: io.stderr as NodeJS.WriteStream, stdin: io.stdin as NodeJS.ReadStream})
            live = true
            return handle
          },
          plain: async () => ({sink: (await import('../ui/worker-lines.js')).workerPlain((line) => io.stderr.write(line)), finish: async () => undefined}),
        },
        run: ({signal, emit}) => runWorker({
          queue, store, env, concurrency: flags.concurrency, emit, signal,
          processEnv: this.ctx.processEnv, open: (options) => this.ctx.openConnection(options),
          statusEveryMs: live ? STATUS_EVERY_MS : undefined,
          catchUp: catchUpConnections.length > 0 ? {pattern: catchUp, connections: catchUpConnections} : undefined,
        }),
      })
    } finally {
      await Promise.allSettled([store.close(), queue.close()])
    }
  }
}
