import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {BbError, ExitCode, UsageError, exitCodeOf} from '../../core/errors.js'
import type {ListenEvent, ListenSink} from '../../core/webhooks/listen.js'
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

Output: a live view on a terminal, plain lines on stderr otherwise, NDJSON on stdout with --json.
Ctrl-C (or SIGTERM) finishes the accepted deliveries and exits 0; a second Ctrl-C stops at once.`

  static override examples = [
    '<%= config.bin %> webhooks listen',
    '<%= config.bin %> webhooks listen --host 0.0.0.0 --port 8977 --resync-every 15m',
    '<%= config.bin %> webhooks listen --json | jq -c \'select(.type=="applied")\'',
  ]

  static override flags = {
    port: Flags.integer({description: 'Port to listen on (0 = any free port, printed on start).', default: 8977, min: 0, max: 65_535}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    path: Flags.string({description: 'Accept deliveries at this path and any path below it.', default: '/'}),
    'resync-every': Flags.string({description: 'Run a catch-up incremental sync this often (e.g. 15m, 1h).', default: '1h'}),
    store: Flags.string({description: 'Store: a SQLite path, sqlite:///path or postgres://… (default: <data dir>/bb-integrate.db).', env: 'BB_INTEGRATE_STORE'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(WebhooksListen)
    // A long-running process that churns through parsed responses: keep the heap close to its live size
    // (as `sync` does) so resident memory stays flat over days of deliveries.
    const {setFlagsFromString} = await import('node:v8')
    setFlagsFromString('--heap-growing-percent=50')
    const [{startListener}, {parseDuration}, {readWebhookSecret}, {readEnv}, {openConnection}, {openStore}, {ConfigStore}, {createSecretStoreResolver}, {httpEventBridge}] = await Promise.all([
      import('../../core/webhooks/listen.js'),
      import('../../core/webhooks/duration.js'),
      import('../../core/webhooks/secret.js'),
      import('../../core/env.js'),
      import('../../core/connection.js'),
      import('../../core/store/index.js'),
      import('../../core/config/store.js'),
      import('../../core/auth/stores.js'),
      import('../../core/sync/http-events.js'),
    ])
    const json = this.jsonEnabled()
    const resyncEveryMs = parseDuration(flags['resync-every'], '--resync-every')
    if (!flags.path.startsWith('/')) throw new UsageError(`Invalid --path "${flags.path}": it must start with "/".`, {code: 'bad_path'})

    let interrupts = 0
    let stop: (() => void) | null = null
    const onSignal = () => {
      // First signal: finish what was accepted. Second: leave now — each delivery is recorded, the next start catches up.
      if (++interrupts > 1) process.exit(ExitCode.Interrupted)
      stop?.()
    }
    const {sink, finish} = await this.renderer(json, onSignal)
    const env = readEnv()
    const config = new ConfigStore({configDir: env.configDir})
    const warn = (message: string) => sink({type: 'warning', message: message.replace(/^Warning: /, '')})
    const opened = await openConnection({name: flags.connection, env, config, onEvent: httpEventBridge(sink), warn})
    const closers: Array<() => Promise<unknown>> = [() => opened.close()]
    const closeAll = async () => {
      await Promise.allSettled(closers.splice(0).map((c) => c()))
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    try {
      const {connection} = opened
      const location = connection.webhooks?.secretStore ?? connection.credentials[0]?.store ?? 'keychain'
      const secretStore = createSecretStoreResolver({configDir: config.dir, warn, keychainTimeoutMs: env.keychainTimeoutMs})(location)
      const secret = await readWebhookSecret(secretStore, connection.name)
      if (!secret) {
        throw new BbError(`Connection "${connection.name}" has no webhook secret, so no delivery could be verified.`, {
          code: 'no_webhook_secret',
          remedy: `Run \`bb-integrate webhooks ensure --url <public URL of this listener>${flags.connection ? ` --connection ${connection.name}` : ''}\` first.`,
        })
      }
      const store = await openStore(flags.store, process.env)
      closers.unshift(() => store.close())
      const repos = connection.selection.length > 0
        ? connection.selection
        : connection.credentials.flatMap((c) => (c.target?.includes('/') ? [c.target] : []))
      const stopped = new Promise<void>((resolve) => {
        stop = resolve
      })
      if (interrupts > 0) stop!()
      const listener = await startListener({
        connection: connection.name,
        host: flags.host,
        port: flags.port,
        path: flags.path,
        secret,
        repos,
        resyncEveryMs,
        sync: {requestsPerHour: connection.rateLimitPerHour ?? (connection.provider === 'cloud' ? 1000 : 18_000)},
      }, {provider: opened.provider, store, emit: sink, httpStats: () => opened.client.stats()}).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
          throw new UsageError(`Port ${flags.port} on ${flags.host} is already in use.`, {code: 'port_in_use', remedy: 'Stop the other process or pass another --port (0 picks a free one).'})
        }
        throw error
      })
      await stopped
      await listener.stop()
      await closeAll()
      await finish()
    } catch (error) {
      await closeAll()
      await finish()
      if (json && error instanceof BbError) {
        process.stdout.write(JSON.stringify({v: 1, type: 'error', message: error.message, code: error.code, remedy: error.remedy ?? null, exitCode: exitCodeOf(error)}) + '\n')
        process.exitCode = exitCodeOf(error)
        return
      }
      throw error
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }

  /** NDJSON on stdout (--json), the live view on a terminal, plain lines on stderr otherwise. */
  private async renderer(json: boolean, onQuit: () => void): Promise<{sink: ListenSink; finish: () => Promise<void>}> {
    if (json) {
      const {listenNdjsonSink} = await import('../../ui/listen-lines.js')
      return {sink: listenNdjsonSink(), finish: async () => undefined}
    }
    if (this.interactive) {
      try {
        const {renderListenView} = await import('../../ui/listen-view.js')
        return renderListenView({onQuit})
      } catch {
        // No usable terminal: the plain lines tell the same story.
      }
    }
    const {listenPlainSink} = await import('../../ui/listen-lines.js')
    const sink = listenPlainSink()
    return {sink: (e: ListenEvent | SyncEvent) => sink(e), finish: async () => undefined}
  }
}
