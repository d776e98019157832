import {spawn} from 'node:child_process'
import {createServer} from 'node:net'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'


export interface DemoOptions {
  provider: 'cloud' | 'datacenter'
  dataset: 'tiny' | 'small' | 'medium'
  keep: boolean
  configDir?: string
  json: boolean
  binPath: string
  log: (line: string) => void
}

interface Step {
  title: string
  args: string[]
  stdin?: string
  /** Exit codes that are part of the story (e.g. a validate warning). */
  allow?: number[]
}

/** Runs the real CLI as a child, inheriting the terminal so the dashboard and tables show as they would. */
function runCli(binPath: string, args: string[], env: NodeJS.ProcessEnv, stdin: string | undefined, quiet: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      env,
      stdio: [stdin === undefined ? 'inherit' : 'pipe', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
    })
    if (stdin !== undefined) child.stdin?.end(stdin)
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 4 : 1)))
  })
}

/**
 * The tour's budget: a scaled limit, as Atlassian grants large Cloud workspaces. At the default 1,000
 * requests/hour the "small" dataset's full sync (~1,400 requests with commit files) would stop for an
 * hour half-way, and Data Center's 5 requests/s bucket would stretch it to minutes.
 */
export const DEMO_REQUESTS_PER_HOUR = 10_000

export interface DemoResult {
  emulator: string
  configDir: string
  steps: Array<{command: string; exitCode: number}>
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const [{startEmulator}, {ConfigStore}] = await Promise.all([import('../../emulator/index.js'), import('../core/config/store.js')])
  const emulator = await startEmulator({
    flavor: options.provider,
    dataset: options.dataset,
    seed: 1,
    rateLimit: {requestsPerWindow: DEMO_REQUESTS_PER_HOUR, windowMs: 3_600_000},
  })
  const configDir = options.configDir ?? (await mkdtemp(join(tmpdir(), 'bb-integrate-demo-')))
  const steps: DemoResult['steps'] = []
  const {log} = options
  try {
    const login = await emulator.admin.demoCredential()
    const env: NodeJS.ProcessEnv = {...process.env, BB_INTEGRATE_CONFIG_DIR: configDir, BB_INTEGRATE_CONNECTION: 'demo'}
    delete env.BB_INTEGRATE_TOKEN
    log(`\nBitbucket ${options.provider === 'cloud' ? 'Cloud' : 'Data Center'} emulator running at ${emulator.url} (dataset "${options.dataset}")`)
    log(`Config and store for this tour: ${configDir}\n`)

    const connectArgs = options.provider === 'cloud'
      ? ['connect', '--provider', 'cloud', '--url', emulator.apiBase, '--oauth-url', emulator.url, '--auth', 'api-token', '--email', login.email, '--token-stdin']
      : ['connect', '--provider', 'datacenter', '--url', emulator.apiBase, '--auth', 'pat', '--token-stdin']
    const tour: Step[] = [
      {title: 'Connect with a scoped token (verified before it is stored)', args: [...connectArgs, '--name', 'demo', '--allow-insecure-store'], stdin: login.token},
      {title: 'Who am I, and where is the secret?', args: ['auth', 'status']},
      {title: 'List every repository (all pages)', args: ['repos', 'list']},
      {title: 'Select repositories for sync', args: ['repos', 'select', '--all']},
      {title: 'Pre-flight checks, as CI would run them', args: ['validate'], allow: [1]},
      {title: 'Full sync into the local SQLite store', args: ['sync']},
    ]
    const after: Step[] = [
      {title: 'Incremental sync: only what changed is fetched', args: ['sync']},
      {title: 'Export the synced repositories as CSV', args: ['export', '--entity', 'repository', '--format', 'csv']},
    ]

    const run = async (step: Step) => {
      log(`\n▶ ${step.title}\n  $ bb-integrate ${step.args.join(' ')}`)
      const code = await runCli(options.binPath, step.args, env, step.stdin, options.json)
      steps.push({command: step.args.join(' '), exitCode: code})
      if (code !== 0 && !(step.allow ?? []).includes(code)) {
        throw new Error(`demo step failed (exit ${code}): bb-integrate ${step.args.join(' ')}`)
      }
    }
    for (const [i, step] of tour.entries()) {
      await run(step)
      if (i === 0) {
        // The client paces itself by the connection's hourly budget: tell it what the emulator grants.
        const config = new ConfigStore({configDir})
        const connection = config.getConnection('demo')
        if (connection) config.putConnection({...connection, rateLimitPerHour: DEMO_REQUESTS_PER_HOUR})
        const real = options.provider === 'cloud' ? 'real Cloud allows 1,000 per user' : 'real Data Center: the admin\'s token bucket, by default 60 then 5/s'
        log(`  (this emulator grants ${DEMO_REQUESTS_PER_HOUR.toLocaleString('en-US')} requests/hour, recorded as the connection's rateLimitPerHour; ${real})`)
      }
    }

    log('\n▶ Meanwhile on Bitbucket: a new pull request, an approval and a push')
    const changed = await emulator.admin.demoChanges()
    log(`  ${changed}`)
    await run(after[0]!)
    await listenStep({binPath: options.binPath, env, log, emulator, steps})
    for (const step of after.slice(1)) await run(step)

    if (options.keep) {
      log(`\nThe emulator keeps running at ${emulator.url}. In another terminal:`)
      log(`  export BB_INTEGRATE_CONFIG_DIR=${configDir} BB_INTEGRATE_CONNECTION=demo`)
      log('  bb-integrate sync    # or: repos select, validate, export --format csv')
      log('Press Ctrl-C to stop it.')
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
    }
    return {emulator: emulator.url, configDir, steps}
  } finally {
    await emulator.close()
    // A directory the tour made is the tour's to remove: it holds the demo's plain secrets file.
    if (!options.configDir) {
      await rm(configDir, {recursive: true, force: true})
      log(`\nRemoved ${configDir} (the tour's config, secrets and store); pass --config-dir to keep them.`)
    }
  }
}

interface ListenStepInput {
  binPath: string
  env: NodeJS.ProcessEnv
  log: (line: string) => void
  emulator: {admin: {mutate(m: {type: 'pr.create'; repo: string; title: string}): Promise<unknown>}; world: {containers(): Array<{key: string}>; repos(c: string): Array<{container: string; slug: string; defaultBranch: string | null}>}}
  steps: DemoResult['steps']
}

/**
 * The living integration: `webhooks listen --ensure --ephemeral` registers our hooks at its address, a pull
 * request opened on the emulator reaches the store through its delivery with no sync, and on Ctrl-C the
 * listener removes the hooks it created.
 */
async function listenStep({binPath, env, log, emulator, steps}: ListenStepInput): Promise<void> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/bb`
  const args = ['webhooks', 'listen', '--port', String(port), '--path', '/bb', '--public-url', url, '--ensure', '--ephemeral']
  log(`\n▶ Keep the store current: a webhook listener registers its hooks, applies a change, removes them\n  $ bb-integrate ${args.join(' ')}`)
  const child = spawn(process.execPath, [binPath, ...args, '--json'], {env, stdio: ['ignore', 'pipe', 'pipe']})
  let buffer = ''
  const waiters: Array<{test: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void}> = []
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (!line.startsWith('{')) continue
      const event = JSON.parse(line) as Record<string, unknown>
      for (const w of waiters.filter((x) => x.test(event))) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(event)
      }
    }
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 4 : 1))))
  const next = (test: (e: Record<string, unknown>) => boolean, what: string) => Promise.race([
    new Promise<Record<string, unknown>>((resolve) => waiters.push({test, resolve})),
    exited.then((code) => {
      throw new Error(`the listener ended (exit ${code}) before ${what}: ${stderr.trim().split('\n').at(-1) ?? ''}`)
    }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 60_000).unref()),
  ])
  try {
    await next((e) => e.type === 'ready', 'it was ready')
    log(`  listening at ${url}; our hooks point there, signed with the connection's secret (never printed)`)
    const repo = emulator.world.containers().flatMap((c) => emulator.world.repos(c.key)).find((r) => r.defaultBranch !== null)
    if (!repo) throw new Error('no repository with commits to change')
    const key = `${repo.container}/${repo.slug}`
    const started = Date.now()
    const applied = next((e) => e.type === 'applied' && /^(pullrequest:|pr:)/.test(String(e.event)), 'the pull request delivery was applied')
    await emulator.admin.mutate({type: 'pr.create', repo: key, title: 'Demo: opened while the listener runs'})
    const event = await applied
    log(`  a pull request opened on ${key} reached the store ${Date.now() - started} ms later (${String(event.event)}, ${Number(event.requests) === 1 ? '1 API request' : `${String(event.requests)} API requests`}), no sync run`)
  } finally {
    child.kill('SIGINT')
  }
  const code = await exited
  log(code === 0 ? '  stopped with Ctrl-C: the hooks it created are removed' : `  the listener exited ${code}`)
  steps.push({command: args.join(' '), exitCode: code})
  if (code !== 0) throw new Error(`demo step failed (exit ${code}): bb-integrate ${args.join(' ')}`)
}

/** A port nobody listens on now, for the listener's address. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
