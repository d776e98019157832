import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {BbError, ExitCode, UsageError, exitCodeOf} from '../core/errors.js'
import type {CommitsFrom} from '../core/git/choose.js'
import {requestsPerHourOf} from '../core/http/types.js'
import type {OpenedConnection} from '../core/connection.js'
import type {CommitSource} from '../core/provider/types.js'
import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'
import type {Renderer, RendererChoice} from '../runner.js'

/** The git commit source for this sync, or null for REST (`auto` warns once when git cannot be used). */
async function chooseGitSource(mode: CommitsFrom, gitDir: string | undefined, opened: OpenedConnection, since: string | null, sink: SyncEventSink, env: NodeJS.ProcessEnv): Promise<CommitSource | null> {
  const {chooseCommitSource, defaultGitDir} = await import('../core/git/choose.js')
  return chooseCommitSource({
    mode,
    provider: opened.connection.provider,
    connection: opened.connection.name,
    connectionUrl: opened.connection.url,
    client: opened.client,
    credentials: opened.credentials,
    rest: opened.provider,
    gitDir: gitDir ?? defaultGitDir(env),
    env,
    since,
    warn: (message) => sink({type: 'warning', message}),
    onMirror: (event) => sink({type: 'mirror', ...event}),
  })
}

export default class Sync extends BaseCommand {
  static override summary = 'Sync repositories, pull requests, reviews, commits and commit files into the local store.'
  static override description = `Incremental by default: pull requests updated since the last complete run, commits reachable from
branch heads that moved, reviews for changed pull requests, files for new commits. A re-sync with no
changes costs at most 2 requests per repository. Safe to interrupt at any moment (Ctrl-C, kill -9,
a crash): the next run resumes where the last committed page left off.

Repositories: --repo keys, else the connection's selection (\`repos select\`) or the repository a Cloud repository
access token was connected for (\`connect --token-target\`), else every repository
the credential can see. Output: a live dashboard on a terminal, plain progress lines on stderr
otherwise, NDJSON events on stdout with --json (docs/events.md; the last line is the summary).

Exit codes: 0 complete · 1 some repositories failed · 2 bad flags · 3 authentication ·
4 interrupted (resumable) · 5 --max-wait exhausted by rate limits (resumable).`

  static override examples = [
    '<%= config.bin %> sync',
    '<%= config.bin %> sync --repo acme/api --repo acme/web --since 2026-01-01',
    '<%= config.bin %> sync --json --max-wait 600 | jq -c \'select(.type=="summary")\'',
    '<%= config.bin %> sync --store postgres://bb@db/metrics --enqueue',
    '<%= config.bin %> sync --store postgres://bb@db/metrics --workers 4',
    '<%= config.bin %> sync --plan',
  ]

  static override flags = {
    repo: Flags.string({description: 'Repository key (workspace/slug or PROJECT/slug); repeatable.', multiple: true}),
    since: Flags.string({description: 'Only pull requests updated since this ISO date (overrides the stored watermark).'}),
    full: Flags.boolean({description: 'Ignore watermarks and known branch heads; list everything again.'}),
    prs: Flags.boolean({description: 'Sync pull requests.', default: true, allowNo: true}),
    reviews: Flags.boolean({description: 'Sync reviews (approvals, change requests).', default: true, allowNo: true}),
    commits: Flags.boolean({description: 'Sync commits.', default: true, allowNo: true}),
    'commit-files': Flags.boolean({description: 'Sync the files each new commit touched (one request per commit).', default: true, allowNo: true}),
    path: Flags.string({description: 'Only commit files under this path prefix (monorepos).'}),
    concurrency: Flags.integer({description: 'Repositories (and API calls) in flight at once.', default: 4, env: 'BB_INTEGRATE_CONCURRENCY'}),
    'max-wait': Flags.integer({description: 'Give up (exit 5, resumable) rather than wait for rate limits past this many seconds from start.', min: 0, env: 'BB_INTEGRATE_MAX_WAIT'}),
    store: Flags.string({description: 'Store: a SQLite path, sqlite:///path or postgres://… (default: <data dir>/bb-integrate.db).', env: 'BB_INTEGRATE_STORE'}),
    shard: Flags.string({description: 'Removed: queue the repositories with --enqueue and run `bb-integrate worker` on each machine.', hidden: true}),
    enqueue: Flags.boolean({description: 'Queue one sync job per repository in the PostgreSQL store and return (`bb-integrate worker` runs them).', exclusive: ['workers', 'plan']}),
    workers: Flags.integer({description: 'Queue the repositories and run this many workers here until the queue is empty (PostgreSQL store).', min: 1, max: 64, exclusive: ['enqueue', 'plan']}),
    plan: Flags.boolean({description: 'Print the requests the sync would make (exact, or an estimate with a range) and the rate-limit time, then exit without syncing. With --json, as NDJSON `plan` events.'}),
    'commits-from': Flags.string({description: 'Where commits and commit files come from: git (a mirror per repository; its own rate budget), rest, or auto (git when git ≥ 2.31 is installed).', options: ['auto', 'git', 'rest'], default: 'auto', env: 'BB_INTEGRATE_COMMITS_FROM'}),
    'git-dir': Flags.string({description: 'Where the git mirrors live (default: <data dir>/mirrors).', env: 'BB_INTEGRATE_GIT_DIR'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sync)
    // A sync keeps ~20 MB live but churns through parsed pages; by default V8 lets the old space grow to
    // several times the live size between full collections. Growing by at most 50% keeps the peak
    // resident size flat as the number of repositories grows (docs/BENCHMARKS.md), for ~10% more GC
    // time in a process that mostly waits on the network. The flag is read at every collection.
    const {setFlagsFromString} = await import('node:v8')
    setFlagsFromString('--heap-growing-percent=50')
    const [{runSync, httpEventBridge, startGate, parseSince, parseConcurrency}, {runLongOperation}] = await Promise.all([
      import('../core/sync/index.js'),
      import('../runner.js'),
    ])
    const json = this.jsonEnabled()
    const {env, processEnv, io, clock} = this.ctx
    let emitted = false
    try {
      // Flags first: a typo must not cost a connection or a store migration.
      if (flags.shard !== undefined) {
        throw new UsageError('--shard was removed: a shard whose machine stops is never synced, and every shard spends the whole rate budget.', {
          code: 'shard_removed',
          remedy: 'Queue the repositories with `bb-integrate sync --store postgres://… --enqueue` and run `bb-integrate worker --store postgres://…` on each machine (docs/workers.md).',
        })
      }
      const queued = flags.enqueue || flags.workers !== undefined
      if (queued && (flags.since !== undefined || flags.full || flags.path !== undefined || !flags.prs || !flags.reviews || !flags.commits || !flags['commit-files'])) {
        throw new UsageError('Queued syncs are incremental syncs of everything: --since, --full, --path and --no-… do not apply to --enqueue / --workers.', {code: 'bad_usage', remedy: 'Drop those flags, or run a plain `bb-integrate sync` for a one-off sync.'})
      }
      // The queue needs PostgreSQL: say so before a connection is opened or a SQLite file created.
      if (queued) (await import('../core/workers/queue.js')).queueUrl(flags.store, processEnv)
      const since = flags.since === undefined ? null : parseSince(flags.since)
      if (since !== null && flags.full) {
        throw new UsageError('--since and --full contradict each other: --full lists everything again, --since only what changed since a date.', {
          code: 'since_with_full', remedy: 'Drop one of them: --full for a complete re-list, --since DATE for pull requests updated since DATE.',
        })
      }
      const concurrency = parseConcurrency(flags.concurrency)
      for (const key of flags.repo ?? []) {
        if (!/^[^/\s]+\/[^/\s]+$/.test(key)) throw new UsageError(`Invalid --repo "${key}": expected workspace/slug (Cloud) or PROJECT/slug (Data Center).`, {code: 'bad_repo'})
      }
      let exitCode: number = ExitCode.Ok
      let afterwards: (() => void) | null = null
      await runLongOperation<SyncEvent, void>({
        ctx: this.ctx,
        json,
        renderers: this.renderers(flags.plan),
        run: async ({signal, emit}) => {
          const gated = startGate(emit)
          const sink = (event: SyncEvent) => {
            if (event.type === 'summary') emitted = true
            gated(event)
          }
          const opened = await this.ctx.openConnection({
            name: flags.connection,
            onEvent: httpEventBridge(sink),
            // Through the event stream, not straight to stderr: a line written under the live dashboard
            // would shift the terminal and leave a stale line behind.
            warn: (message) => sink({type: 'warning', message: message.replace(/^Warning: /, '')}),
            waitDeadline: flags['max-wait'] === undefined ? undefined : clock.now() + flags['max-wait'] * 1000,
            signal,
          })
          const store = await this.ctx.openStore(flags.store).catch(async (error: unknown) => {
            await opened.close()
            throw error
          })
          try {
            const {connection} = opened
            if (queued) {
              const {runQueued} = await import('../core/workers/sync-queued.js')
              const result = await runQueued({
                opened, store, storeUrl: flags.store, repos: flags.repo ?? [], workers: flags.workers ?? null,
                env, processEnv, open: (options) => this.ctx.openConnection(options), emit: sink, signal, concurrency,
              })
              if (result.summary === null) {
                // --enqueue: no sync ran, so no summary; one line says what was queued (after the renderer is done).
                emitted = true
                afterwards = () => {
                  if (json) io.stdout.write(JSON.stringify({v: 1, type: 'enqueued', connection: connection.name, repos: result.enqueued, coalesced: result.coalesced}) + '\n')
                  else io.stderr.write(`Queued ${result.enqueued} repositories of "${connection.name}" (${result.coalesced} merged into jobs already waiting); run \`bb-integrate worker\` to sync them.\n`)
                }
              }
              if (result.summary?.stopReason === 'errors') exitCode = ExitCode.Failure
              return
            }
            const {effectiveSelection} = await import('../core/repos/selection.js')
            // A plan resolves the source too: it counts the git channel's requests apart from REST.
            const commitSource = flags.commits || flags['commit-files']
              ? await chooseGitSource(flags['commits-from'] as CommitsFrom, flags['git-dir'], opened, since, sink, processEnv)
              : null
            const summary = await runSync({
              connection: connection.name,
              repos: flags.repo,
              // The one definition validate shares (a repository access token's repository stands in for a selection).
              selection: effectiveSelection(connection).repos,
              since,
              full: flags.full,
              prs: flags.prs,
              reviews: flags.reviews,
              commits: flags.commits,
              commitFiles: flags['commit-files'],
              pathPrefix: flags.path ?? null,
              concurrency,
              plan: flags.plan,
              requestsPerHour: requestsPerHourOf(connection),
            }, {
              provider: opened.provider,
              ...(commitSource ? {commitSource} : {}),
              store,
              emit: sink,
              signal,
              httpStats: () => opened.client.stats(),
              rateLimits: () => opened.client.rateLimits(),
            })
            if (summary.stopReason === 'errors') exitCode = ExitCode.Failure
          } finally {
            await Promise.allSettled([store.close(), opened.close()])
          }
        },
      })
      ;(afterwards as (() => void) | null)?.()
      this.finishWith(exitCode, json)
    } catch (error) {
      if (error instanceof Error && 'oclif' in error) throw error
      // The engine already reported its own stop in the summary; anything earlier is reported here.
      if (emitted) {
        if (!json && error instanceof BbError) io.stderr.write(`${error.message}\n${error.remedy ? `  → ${error.remedy}\n` : ''}`)
        return this.finishWith(exitCodeOf(error), json)
      }
      if (json) {
        this.writeNdjsonError(error, exitCodeOf(error))
        return this.finishWith(exitCodeOf(error), json)
      }
      throw error
    }
  }

  /** Flag errors caught by the base command: one NDJSON `error` line, as docs/events.md promises. */
  protected override printJsonError(err: BbError, exitCode: number): void {
    this.writeNdjsonError(err, exitCode)
  }

  /**
   * End with an exit code. Under --json, oclif would print the exit itself as a JSON error object,
   * breaking the NDJSON stream (the summary must stay the last line): set the code and return.
   */
  private finishWith(code: number, json: boolean): void {
    if (code === 0) return
    if (json) {
      this.setExitCode(code)
      return
    }
    this.exit(code)
  }

  /** NDJSON on stdout (--json), the Ink dashboard on a terminal, plain lines on stderr otherwise; a plan prints its table. */
  private renderers(plan: boolean): RendererChoice<SyncEvent> {
    const {io} = this.ctx
    const planText = async (): Promise<Renderer<SyncEvent>> => ({
      sink: await planTextFor(io), finish: async () => undefined,
    })
    return {
      ndjson: async () => {
        const {ndjsonSink} = await import('../ui/sync-ndjson.js')
        if (this.jqExpression !== undefined) {
          // --jq: every event line through the filter, in order; the last ones are written before exit.
          const {jqLineWriter} = await import('../ui/jq.js')
          const lines = jqLineWriter(this.jqExpression, (text) => io.stdout.write(text))
          return {sink: ndjsonSink(lines.write), finish: lines.flush}
        }
        return {sink: ndjsonSink((line) => io.stdout.write(line)), finish: async () => undefined}
      },
      live: plan ? planText : async (onQuit: () => void) => {
        const {renderSyncDashboard} = await import('../ui/sync-dashboard.js')
        return renderSyncDashboard({onQuit, color: this.color, stdout: io.stderr as NodeJS.WriteStream, stdin: io.stdin as NodeJS.ReadStream})
      },
      plain: plan ? planText : async () => {
        const {plainSink} = await import('../ui/sync-plain.js')
        return {sink: plainSink((line) => io.stderr.write(line)), finish: async () => undefined}
      },
    }
  }

  /** A sync that fails before it starts still speaks NDJSON: one `error` line on stdout. */
  private writeNdjsonError(error: unknown, exitCode: number): void {
    const e = error instanceof BbError ? error : null
    this.ctx.io.stdout.write(JSON.stringify({
      v: 1, type: 'error', message: error instanceof Error ? error.message : String(error),
      code: e?.code ?? 'error', remedy: e?.remedy ?? null, exitCode,
    }) + '\n')
  }
}

/** The plan's table on stdout, its progress as plain lines on stderr. */
async function planTextFor(io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream}): Promise<SyncEventSink> {
  const [{planTextSink}, {plainSink}] = await Promise.all([import('../ui/plan-text.js'), import('../ui/sync-plain.js')])
  return planTextSink((text) => io.stdout.write(text), plainSink((line) => io.stderr.write(line)))
}
