import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {BbError, UsageError, exitCodeOf} from '../../core/errors.js'
import {requestsPerHourOf} from '../../core/http/types.js'
import type {TargetedChange} from '../../core/sync/targeted.js'
import type {ListenEvent} from '../../core/webhooks/listen.js'
import type {SyncEvent} from '../../core/sync/events.js'

export default class WebhooksListen extends BaseCommand {
  static override summary = 'Receive Bitbucket webhooks and keep the store current in real time.'
  static override description = `Runs an HTTP receiver (default 127.0.0.1:8977; deliveries are accepted at --path and below). Each
delivery must carry X-Hub-Signature (HMAC-SHA256 of the body with the connection's webhook secret,
set by \`webhooks ensure\`); it is answered at once and applied afterwards by refreshing exactly what
it names from the API (the pull request and its reviews; the commits of a push and their files).
Each delivery id is recorded in the store and applied once. A catch-up sync runs on start and every
--resync-every, because Bitbucket does not replay deliveries it could not make.

Bitbucket must reach the receiver: Cloud cannot call a laptop, so run it on a host Bitbucket can
reach or behind a tunnel you run; Data Center is often on the same network (docs/webhooks-listen.md).

--public-url with --ensure registers (or reconciles) the connection's hooks at that address before
listening; --ephemeral also removes the hooks this run created when it stops. With a PostgreSQL store,
each accepted change becomes a job on the queue (any \`bb-integrate worker\` applies it).

Output: a live view on a terminal, plain lines on stderr otherwise, NDJSON on stdout with --json.
Ctrl-C (or SIGTERM) finishes the accepted deliveries and exits 0; a second Ctrl-C stops at once.`

  static override examples = [
    '<%= config.bin %> webhooks listen',
    '<%= config.bin %> webhooks listen --host 0.0.0.0 --port 8977 --resync-every 15m',
    '<%= config.bin %> webhooks listen --json | jq -c \'select(.type=="applied")\'',
    '<%= config.bin %> webhooks listen --host 0.0.0.0 --public-url https://hooks.example.com/bb --ensure',
  ]

  static override flags = {
    port: Flags.integer({description: 'Port to listen on (0 = any free port, printed on start).', default: 8977, min: 0, max: 65_535}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    path: Flags.string({description: 'Accept deliveries at this path and any path below it.', default: '/'}),
    'resync-every': Flags.string({description: 'Run a catch-up incremental sync this often (e.g. 15m, 1h).', default: '1h'}),
    store: Flags.string({description: 'Store: a SQLite path, sqlite:///path or postgres://… (default: <data dir>/bb-integrate.db).', env: 'BB_INTEGRATE_STORE'}),
    'public-url': Flags.string({description: 'The address Bitbucket reaches this listener at (a host or tunnel you run); used by --ensure.', env: 'BB_INTEGRATE_PUBLIC_URL'}),
    ensure: Flags.boolean({description: 'Before listening, create or reconcile our hooks at --public-url (as `webhooks ensure` does).'}),
    ephemeral: Flags.boolean({description: 'With --ensure: remove the hooks this run created when it stops.', dependsOn: ['ensure']}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(WebhooksListen)
    // A long-running process that churns through parsed responses: keep the heap close to its live size
    // (as `sync` does) so resident memory stays flat over days of deliveries.
    const {setFlagsFromString} = await import('node:v8')
    setFlagsFromString('--heap-growing-percent=50')
    const [{startListener}, {parseDuration}, {readWebhookSecret}, {parseStoreUrl}, {httpEventBridge}, {runLongOperation}] = await Promise.all([
      import('../../core/webhooks/listen.js'),
      import('../../core/webhooks/duration.js'),
      import('../../core/webhooks/secret.js'),
      import('../../core/store/index.js'),
      import('../../core/sync/http-events.js'),
      import('../../runner.js'),
    ])
    const json = this.jsonEnabled()
    const {processEnv} = this.ctx
    const resyncEveryMs = parseDuration(flags['resync-every'], '--resync-every')
    if (!flags.path.startsWith('/')) throw new UsageError(`Invalid --path "${flags.path}": it must start with "/".`, {code: 'bad_path'})
    if (flags.ensure && !flags['public-url']) {
      throw new UsageError('--ensure needs --public-url: the address Bitbucket reaches this listener at.', {
        code: 'bad_usage', remedy: 'e.g. --public-url https://hooks.example.com/bb (a host Bitbucket can reach, or a tunnel you run).',
      })
    }
    const queued = parseStoreUrl(flags.store, processEnv).dialect === 'postgres'

    try {
      await runLongOperation<ListenEvent | SyncEvent, void>({
        ctx: this.ctx,
        json,
        renderers: {
          ndjson: async () => {
            const {listenNdjsonSink} = await import('../../ui/listen-lines.js')
            return {sink: listenNdjsonSink((line) => this.ctx.io.stdout.write(line)), finish: async () => undefined}
          },
          live: async (onQuit) => {
            const {renderListenView} = await import('../../ui/listen-view.js')
            return renderListenView({onQuit, stdout: this.ctx.io.stderr as NodeJS.WriteStream, stdin: this.ctx.io.stdin as NodeJS.ReadStream})
          },
          plain: async () => {
            const {listenPlainSink} = await import('../../ui/listen-lines.js')
            return {sink: listenPlainSink((line) => this.ctx.io.stderr.write(line)), finish: async () => undefined}
          },
        },
        run: async ({signal, emit}) => {
          const warn = (message: string) => emit({type: 'warning', message: message.replace(/^Warning: /, '')})
          const hooks = await this.ctx.openWebhooks({name: flags.connection, onEvent: httpEventBridge(emit), warn})
          const closers: Array<() => Promise<unknown>> = [() => hooks.close()]
          const closeAll = async () => {
            await Promise.allSettled(closers.splice(0).map((c) => c()))
          }
          try {
            const {ctx: webhooks} = hooks
            const {connection} = webhooks
            let created: string[] = []
            if (flags.ensure) {
              const {ensureWebhooks} = await import('../../core/webhooks/ensure.js')
              const ensured = await ensureWebhooks(webhooks, {url: flags['public-url']})
              created = ensured.rows.filter((r) => r.action === 'create' && r.id !== null).map((r) => r.id!)
              const failed = ensured.rows.filter((r) => r.action === 'error')
              for (const row of failed) warn(`webhook on ${row.target} not ensured: ${row.reason ?? 'error'}`)
              warn(`webhooks at ${ensured.url}: ${['create', 'update', 'delete', 'keep'].map((a) => `${ensured.rows.filter((r) => r.action === a).length} ${a}`).join(', ')}`)
            }
            const secret = await readWebhookSecret(webhooks.secretStore, connection.name)
            if (!secret) {
              throw new BbError(`Connection "${connection.name}" has no webhook secret, so no delivery could be verified.`, {
                code: 'no_webhook_secret',
                remedy: `Run \`bb-integrate webhooks ensure --url <public URL of this listener>${flags.connection ? ` --connection ${connection.name}` : ''}\` first, or start with --public-url <URL> --ensure.`,
              })
            }
            const store = await this.ctx.openStore(flags.store)
            closers.unshift(() => store.close())
            let handOff: ((change: TargetedChange) => Promise<void>) | undefined
            if (queued) {
              const [{openQueue}, {enqueueDelivery}] = await Promise.all([import('../../core/workers/queue.js'), import('../../core/workers/enqueue.js')])
              const queue = await openQueue(flags.store, processEnv)
              closers.unshift(() => queue.close())
              handOff = async (change) => {
                await enqueueDelivery(queue, {connection: connection.name, repo: change.repo})
              }
            }
            const repos = connection.selection.length > 0
              ? connection.selection
              : connection.credentials.flatMap((c) => (c.target?.includes('/') ? [c.target] : []))
            const listener = await startListener({
              connection: connection.name,
              host: flags.host,
              port: flags.port,
              path: flags.path,
              secret,
              repos,
              resyncEveryMs,
              sync: {requestsPerHour: requestsPerHourOf(connection)},
            }, {provider: webhooks.provider, store, emit, handOff, httpStats: hooks.stats}).catch((error: unknown) => {
              if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
                throw new UsageError(`Port ${flags.port} on ${flags.host} is already in use.`, {code: 'port_in_use', remedy: 'Stop the other process or pass another --port (0 picks a free one).'})
              }
              throw error
            })
            if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
            await listener.stop()
            if (flags.ephemeral && created.length > 0) {
              const {deleteWebhooks} = await import('../../core/webhooks/ensure.js')
              const removed = await deleteWebhooks(webhooks, {ids: created})
              warn(`--ephemeral: removed ${removed.rows.filter((r) => r.action === 'delete').length} of the ${created.length} hooks this run created`)
            }
          } finally {
            await closeAll()
          }
        },
      })
    } catch (error) {
      if (json && error instanceof BbError) {
        this.ctx.io.stdout.write(JSON.stringify({v: 1, type: 'error', message: error.message, code: error.code, remedy: error.remedy ?? null, exitCode: exitCodeOf(error)}) + '\n')
        this.setExitCode(exitCodeOf(error))
        return
      }
      throw error
    }
  }
}
