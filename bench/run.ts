/**
 * `npm run bench`: measures bb-integrate against the emulator and writes docs/BENCHMARKS.md.
 * Every figure is a ratio against a baseline run side by side in the same invocation.
 *   --quick     smaller datasets (minutes → seconds), for trying the harness
 *   --only a,b  run only some sections: coldstart, listing, sidebyside, large, ratelimit, rss, store, nochange,
 *               workers, webhooks, plan, plan-large, storm429, git (git only when named: it syncs the large dataset;
 *               with --large-full all 100 of its repositories via git and via REST, else the first 25 via git)
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {runBaseline, type BaselineOptions} from './baseline-bitbucket.js'
import {measureColdStart} from './cold-start.js'
import {runFloorClient} from './floor-client.js'
import {naiveInsertsPerSecond} from './store-baseline.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = args[args.indexOf('--only') + 1]
const only = args.includes('--only') && onlyArg ? new Set(onlyArg.split(',')) : null
const want = (s: string) => !only || only.has(s)

export interface EmuInfo {
  url: string
  apiBase: string
  email: string
  token: string
  minimum: {listing: number; withReviews: number; full: number; commitsAndFiles: number}
  truth: Record<string, number>
  workspaces: string[]
  repos: string[]
}

async function startEmu(options: object): Promise<{info: EmuInfo; proc: ChildProcess}> {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', join(root, 'bench/emulator-proc.ts'), JSON.stringify(options)], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
  })
  const rl = createInterface({input: proc.stdout!})
  const line = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve)
    proc.once('exit', (code) => reject(new Error(`emulator exited ${code}`)))
  })
  return {info: JSON.parse(line) as EmuInfo, proc}
}

async function stopEmu(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return
  await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM') })
}

/** The `bitbucket` client script against an emulator of its own (same options as bb-integrate's run). */
async function baselineOnFreshEmulator(emuOptions: object, o: Omit<BaselineOptions, 'baseUrl' | 'email' | 'token' | 'workspaces'>) {
  const {info, proc} = await startEmu(emuOptions)
  try {
    return await runBaseline({baseUrl: info.apiBase, email: info.email, token: info.token, workspaces: info.workspaces, ...o})
  } finally {
    await stopEmu(proc)
  }
}

export interface Summary {
  type: 'summary'
  counts: Record<string, number>
  requests: number
  retries: number
  rateLimitWaits: number
  durationMs: number
  complete: boolean
}

export interface PlanSummary {
  type: 'planSummary'
  estimatedRequests: number
  requests: {low: number; high: number}
  planRequests: number
}

export interface SyncRun {
  summary: Summary
  wallMs: number
  peakRssMb: number
  plan: PlanSummary | null
  /** Rate-limit waits announced (the countdown), and gauge updates showing 0 left while waiting. */
  waits: number
  emptyGaugeWhileWaiting: number
  fullGaugeWhileWaiting: number
}

async function runSync(info: EmuInfo, dir: string, extra: string[], provider: 'cloud' | 'datacenter' = 'cloud'): Promise<SyncRun> {
  const rssFile = join(dir, `rss-${Date.now()}.txt`)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BB_INTEGRATE_CONFIG_DIR: dir,
    BB_INTEGRATE_PROVIDER: provider,
    BB_INTEGRATE_URL: info.apiBase,
    BB_INTEGRATE_TOKEN: info.token,
    BB_BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: `--import ${join(root, 'bench/rss-probe.mjs')}`,
  }
  if (provider === 'cloud') {
    env.BB_INTEGRATE_EMAIL = info.email
    // The Cloud emulator runs without a rate limit here; the client's own hourly pacing must not stand in for it.
    env.BB_INTEGRATE_RATE_LIMIT = '10000000'
  }
  const t0 = Date.now()
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'sync', '--json', '--store', join(dir, 'store.db'), ...extra], {
    cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let last = ''
  let plan: PlanSummary | null = null
  let stderr = ''
  let waits = 0
  let emptyGaugeWhileWaiting = 0
  let fullGaugeWhileWaiting = 0
  createInterface({input: child.stdout!}).on('line', (l) => {
    if (l.includes('"summary"')) last = l
    else if (l.includes('"planSummary"')) plan = JSON.parse(l) as PlanSummary
    else if (l.includes('"type":"wait"')) waits++
    else if (l.includes('"type":"rateLimit"')) {
      const {state} = JSON.parse(l) as {state: {remaining: number | null; limit: number | null; waitingUntil: number | null}}
      if (state.waitingUntil !== null && state.remaining === 0) emptyGaugeWhileWaiting++
      if (state.waitingUntil !== null && state.remaining !== null && state.remaining === state.limit) fullGaugeWhileWaiting++
    }
  })
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)))
  const wallMs = Date.now() - t0
  if (!last) throw new Error(`sync exited ${code} without a summary:\n${stderr}`)
  const summary = JSON.parse(last) as Summary
  const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024
  return {summary, wallMs, peakRssMb, plan, waits, emptyGaugeWhileWaiting, fullGaugeWhileWaiting}
}

const fmt = (n: number, d = 2) => n.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})
const int = (n: number) => Math.round(n).toLocaleString('en-US')
const sections: string[] = []
const log = (s: string) => process.stderr.write(s + '\n')

async function main() {
  const started = new Date().toISOString()
  const scratch = mkdtempSync(join(tmpdir(), 'bb-bench-'))
  try {
    if (want('coldstart')) {
      log('cold start…')
      const asIs = measureColdStart(10)
      const plainEnv: NodeJS.ProcessEnv = {...process.env, NODE_OPTIONS: ''}
      delete plainEnv.NODE_EXTRA_CA_CERTS
      const plain = asIs.extraCaCerts ? measureColdStart(10, plainEnv) : null
      const row = (label: string, c: typeof asIs) => [
        `| ${label} | \`node -e 0\` (baseline) | ${fmt(c.nodeBaselineMedianMs, 0)} ms | 1.00× |`,
        `| ${label} | \`bb-integrate --version\` | **${fmt(c.versionMedianMs, 0)} ms** | ${fmt(c.versionMedianMs / c.nodeBaselineMedianMs)}× |`,
        `| ${label} | \`bb-integrate --help\` | ${fmt(c.helpMedianMs, 0)} ms | ${fmt(c.helpMedianMs / c.nodeBaselineMedianMs)}× |`,
      ].join('\n')
      sections.push(`## Cold start

Median of ${asIs.runs} fresh processes each, \`node -e 0\` measured in the same loop as the baseline.${asIs.extraCaCerts ? `
This machine sets \`NODE_EXTRA_CA_CERTS=${asIs.extraCaCerts}\`, which makes *every* Node process parse a large CA
bundle at start-up; both environments are shown.` : ''}

| environment | command | median | vs bare node |
|---|---|---|---|
${row(asIs.extraCaCerts ? 'as set here' : 'default', asIs)}${plain ? '\n' + row('without NODE_EXTRA_CA_CERTS', plain) : ''}

Target: \`--version\` ≤ 150 ms. \`bin/run.js\` answers \`--version\` from package.json before oclif loads; \`--help\` loads oclif
and the command manifest but not Ink, React, undici or SQLite (command modules import them inside \`run()\`).`)
    }

    if (want('listing') || want('rss')) {
      const sizes = quick ? [5, 10] : [25, 50, 100]
      const rows: string[] = []
      let ratioRow = ''
      for (const repos of sizes) {
        const dataset = {containers: 4, reposPerContainer: Math.max(1, Math.round(repos / 4)), prsPerRepo: quick ? 200 : 1000, commitsPerRepo: quick ? 400 : 2000, filesPerCommit: 2}
        log(`listing ${dataset.containers * dataset.reposPerContainer} repos × ${dataset.prsPerRepo} PRs × ${dataset.commitsPerRepo} commits…`)
        const {info, proc} = await startEmu({dataset})
        const dir = mkdtempSync(join(scratch, 'listing-'))
        try {
          const r = await runSync(info, dir, ['--no-reviews', '--no-commit-files', '--concurrency', '8'])
          const ratio = r.summary.requests / info.minimum.listing
          rows.push(`| ${info.repos.length} | ${int(r.summary.counts.pullRequest ?? 0)} | ${int(r.summary.counts.commit ?? 0)} | ${int(r.summary.requests)} | ${int(info.minimum.listing)} | ${fmt(ratio)} | ${fmt(r.peakRssMb, 0)} MB | ${fmt(r.wallMs / 1000, 1)} s |`)
          ratioRow = `${fmt(ratio)}`
        } finally {
          await stopEmu(proc)
          rmSync(dir, {recursive: true, force: true})
        }
      }
      sections.push(`## Full listing: requests vs API minimum, and peak memory

\`sync --no-reviews --no-commit-files --concurrency 8\` into a fresh SQLite store, emulator in its own process (no
latency, no rate limit). The API minimum is the emulator's count of pages a complete listing needs at the largest
page each endpoint allows (\`/_admin/minimum\`). Peak RSS is the CLI process's \`maxRSS\`.

| repos | PRs | commits | requests | API minimum | ratio | peak RSS | wall |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets: ratio ≤ 1.05 (last run: ${ratioRow}); peak RSS ≤ 200 MB and flat as N grows.`)
    }

    if (want('sidebyside') || want('nochange')) {
      const dataset = quick
        ? {containers: 1, reposPerContainer: 4, prsPerRepo: 30, commitsPerRepo: 40, filesPerCommit: 2}
        : {containers: 2, reposPerContainer: 5, prsPerRepo: 100, commitsPerRepo: 200, filesPerCommit: 3}
      const latencyMs = 100
      const concurrency = 8
      log('side by side with 100 ms latency…')
      const ours = await startEmu({dataset, latencyMs})
      const dir = mkdtempSync(join(scratch, 'side-'))
      let oursRun: SyncRun
      let again: SyncRun
      let againAll: SyncRun
      try {
        oursRun = await runSync(ours.info, dir, ['--concurrency', String(concurrency)])
        // A configured user has a selection; naming the repos is the same without a stored connection.
        again = await runSync(ours.info, dir, ['--concurrency', String(concurrency), ...ours.info.repos.flatMap((r) => ['--repo', r])])
        againAll = await runSync(ours.info, dir, ['--concurrency', String(concurrency)])
      } finally {
        await stopEmu(ours.proc)
      }
      const baseRun = await baselineOnFreshEmulator({dataset, latencyMs}, {concurrency, outFile: join(dir, 'baseline.json'), reviews: true, commitFiles: true})
      const minimum = ours.info.minimum.full
      const latencyBoundMs = Math.ceil(minimum / concurrency) * latencyMs
      const repos = dataset.containers * dataset.reposPerContainer
      sections.push(`## Side by side: bb-integrate vs a \`bitbucket\` npm client script (100 ms latency)

Dataset: ${repos} repos × ${dataset.prsPerRepo} PRs × ${dataset.commitsPerRepo} commits (${dataset.filesPerCommit} files each), emulator with
${latencyMs} ms injected latency per request and no rate limit; both sides run ${concurrency} repositories at a time.
The baseline (\`bench/baseline-bitbucket.ts\`) uses the \`bitbucket\` client the way a user's script does: default
page sizes, one PR listing per state, activity per PR, a diffstat per commit.
Latency bound = ⌈API minimum / ${concurrency}⌉ × ${latencyMs} ms = ${fmt(latencyBoundMs / 1000, 1)} s (no rate limit, so the rate-limit bound is 0).

| run | requests | requests / API minimum (${int(minimum)}) | wall | wall / latency bound |
|---|---|---|---|---|
| bb-integrate sync | ${int(oursRun.summary.requests)} | ${fmt(oursRun.summary.requests / minimum)} | ${fmt(oursRun.wallMs / 1000, 1)} s | ${fmt(oursRun.wallMs / latencyBoundMs)} |
| baseline script | ${int(baseRun.requests)} | ${fmt(baseRun.requests / minimum)} | ${fmt(baseRun.durationMs / 1000, 1)} s | ${fmt(baseRun.durationMs / latencyBoundMs)} |

Targets: requests / minimum ≤ 1.05; wall / max(latency bound, rate-limit bound) ≤ 1.2.

## No-change re-sync

The same sync run again right after, nothing changed on the server:

| re-sync | requests | per repo | wall |
|---|---|---|---|
| selected repos (\`--repo\` × ${repos}, as with a saved selection) | ${int(again.summary.requests)} | **${fmt(again.summary.requests / repos)}** | ${fmt(again.wallMs / 1000, 1)} s |
| no selection (lists all accessible repos first) | ${int(againAll.summary.requests)} | ${fmt(againAll.summary.requests / repos)} | ${fmt(againAll.wallMs / 1000, 1)} s |

Target: ≤ 2 requests per repo (one PR query with \`updated_on\` > watermark, one branch listing).`)
    }

    if (want('large')) {
      const latencyMs = 100
      const concurrency = 8
      log('large dataset side by side (listing) with 100 ms latency…')
      const dataset = quick ? {containers: 2, reposPerContainer: 4, prsPerRepo: 200, commitsPerRepo: 400, filesPerCommit: 2} : 'large'
      // Every repository kept generated (~10 MB each in the emulator): a server has its data ready, and
      // generating a repository on first touch would stall every lane of both clients alike.
      const ours = await startEmu({dataset, latencyMs, cacheSize: 128})
      const dir = mkdtempSync(join(scratch, 'large-'))
      let oursRun: SyncRun
      let floor: {requests: number; durationMs: number}
      try {
        oursRun = await runSync(ours.info, dir, ['--no-reviews', '--no-commit-files', '--concurrency', String(concurrency)])
        log(`  bb-integrate: ${oursRun.summary.requests} requests (minimum ${ours.info.minimum.listing}), ${(oursRun.wallMs / 1000).toFixed(1)} s, ${oursRun.peakRssMb.toFixed(0)} MB`)
        floor = await runFloorClient({apiBase: ours.info.apiBase, email: ours.info.email, token: ours.info.token, repos: ours.info.repos, concurrency})
        log(`  floor client: ${floor.requests} requests, ${(floor.durationMs / 1000).toFixed(1)} s`)
      } finally {
        await stopEmu(ours.proc)
      }
      const baseRun = await baselineOnFreshEmulator({dataset, latencyMs, cacheSize: 128},
        {concurrency, outFile: join(dir, 'baseline.json'), reviews: false, commitFiles: false})
      const minimum = ours.info.minimum.listing
      const latencyBoundMs = Math.ceil(minimum / concurrency) * latencyMs
      sections.push(`## Side by side on the large dataset: repositories, every pull request and every commit (100 ms latency)

Dataset: the emulator's \`${typeof dataset === 'string' ? dataset : 'custom'}\` dataset — ${int(ours.info.repos.length)} repos, ${int(oursRun.summary.counts.pullRequest ?? 0)} PRs, ${int(oursRun.summary.counts.commit ?? 0)} commits — with
${latencyMs} ms injected latency per request and no rate limit; both sides run ${concurrency} repositories at a time and fetch
the same entities: repositories, pull requests in all four states, and commits
(\`sync --no-reviews --no-commit-files --concurrency ${concurrency}\` vs the \`bitbucket\` client script with default page sizes).
Latency bound = ⌈API minimum / ${concurrency}⌉ × ${latencyMs} ms = ${fmt(latencyBoundMs / 1000, 1)} s. The emulator keeps every repository
generated and runs in its own process on the same 2-core machine: its time to render, select fields and serialise each
page is part of every round trip, for both clients.

| run | requests | requests / API minimum (${int(minimum)}) | wall | wall / latency bound | peak RSS |
|---|---|---|---|---|---|
| bb-integrate sync | ${int(oursRun.summary.requests)} | ${fmt(oursRun.summary.requests / minimum)} | ${fmt(oursRun.wallMs / 1000, 1)} s | **${fmt(oursRun.wallMs / latencyBoundMs)}** | ${fmt(oursRun.peakRssMb, 0)} MB |
| baseline script | ${int(baseRun.requests)} | ${fmt(baseRun.requests / minimum)} | ${fmt(baseRun.durationMs / 1000, 1)} s | ${fmt(baseRun.durationMs / latencyBoundMs)} | — |
| floor client (same pages, parse only) | ${int(floor.requests)} | ${fmt(floor.requests / minimum)} | ${fmt(floor.durationMs / 1000, 1)} s | ${fmt(floor.durationMs / latencyBoundMs)} | — |

Targets: requests / minimum ≤ 1.05; wall / max(latency bound, rate-limit bound) ≤ 1.2. The floor client
(\`bench/floor-client.ts\`) asks for exactly bb-integrate's pages, follows \`next\` and only parses the JSON, on the
same emulator right after the sync: what it takes above the bound is the server's share of each round trip; what
\`sync\` takes above the floor client is the client's own (mapping, issue keys, the store, events).`)
    }

    if (want('ratelimit')) {
      log('under the Data Center rate limit…')
      const dataset = quick
        ? {containers: 1, reposPerContainer: 2, prsPerRepo: 20, commitsPerRepo: 40, filesPerCommit: 1}
        : {containers: 2, reposPerContainer: 2, prsPerRepo: 40, commitsPerRepo: 80, filesPerCommit: 2}
      const emu = await startEmu({flavor: 'datacenter', dataset, rateLimit: 'default'})
      const dir = mkdtempSync(join(scratch, 'ratelimit-'))
      let run: SyncRun
      try {
        run = await runSync(emu.info, dir, ['--concurrency', '8'], 'datacenter')
      } finally {
        await stopEmu(emu.proc)
      }
      // Data Center's default bucket: 60 tokens, refilled at 5 per second. The first 60 requests are free,
      // each further one needs 1/5 s: no client can finish sooner than this.
      const capacity = 60
      const perSecond = 5
      const minimum = emu.info.minimum.full
      const boundMs = Math.max(0, (run.summary.requests - capacity) / perSecond) * 1000
      const minimumBoundMs = Math.max(0, (minimum - capacity) / perSecond) * 1000
      sections.push(`## Under a rate limit: Data Center's token bucket

Data Center emulator with its default limiter (a bucket of ${capacity} tokens per user refilled at ${perSecond}/s, HTTP 429 when
empty), no injected latency: ${int(emu.info.repos.length)} repos × ${dataset.prsPerRepo} PRs × ${dataset.commitsPerRepo} commits, every entity
(\`sync --concurrency 8\`). The client paces itself from the \`X-RateLimit-*\` headers.
Rate-limit bound = (requests − ${capacity}) / ${perSecond} per s.

| run | requests | API minimum | 429 retries | wall | rate-limit bound (its requests) | wall / bound | bound at the API minimum | wall / that |
|---|---|---|---|---|---|---|---|---|
| bb-integrate sync | ${int(run.summary.requests)} | ${int(minimum)} | ${int(run.summary.retries)} | ${fmt(run.wallMs / 1000, 1)} s | ${fmt(boundMs / 1000, 1)} s | **${fmt(run.wallMs / boundMs)}** | ${fmt(minimumBoundMs / 1000, 1)} s | ${fmt(run.wallMs / minimumBoundMs)} |

Target: wall / max(latency bound, rate-limit bound) ≤ 1.2.`)
    }

    if (want('plan') || only?.has('plan-large')) {
      // The large dataset takes long (every commit's files): only when asked for by name.
      const cases: Array<{label: string; flavor: 'cloud' | 'datacenter'; dataset: string}> = only?.has('plan-large')
        ? [{label: 'large', flavor: 'cloud', dataset: 'large'}]
        : [
            {label: 'small', flavor: 'cloud', dataset: quick ? 'tiny' : 'small'},
            {label: 'small', flavor: 'datacenter', dataset: quick ? 'tiny' : 'small'},
            {label: 'adversarial', flavor: 'cloud', dataset: 'adversarial'},
          ]
      const rows: string[] = []
      for (const c of cases) {
        log(`plan vs sync: ${c.flavor} ${c.dataset}…`)
        const emu = await startEmu({flavor: c.flavor, dataset: c.dataset, ...(c.dataset === 'large' ? {cacheSize: 4} : {})})
        const dir = mkdtempSync(join(scratch, `plan-${c.flavor}-${c.dataset}-`))
        try {
          const planned = await runSync(emu.info, dir, ['--plan'], c.flavor)
          const made = await runSync(emu.info, dir, [], c.flavor)
          const plan = planned.plan!
          const minimum = emu.info.minimum.full
          const range = plan.requests.low === plan.requests.high ? 'exact' : `${int(plan.requests.low)}–${int(plan.requests.high)}`
          rows.push(`| ${c.label} | ${c.flavor} | ${int(plan.estimatedRequests)} | ${range} | ${int(made.summary.requests)} | **${fmt(plan.estimatedRequests / made.summary.requests)}** | ${int(plan.planRequests)} | ${int(minimum)} | **${fmt(made.summary.requests / minimum)}** |`)
        } finally {
          await stopEmu(emu.proc)
        }
      }
      sections.push(`## ${only?.has('plan-large') ? 'Plan accuracy and the API minimum on the large dataset' : 'Plan accuracy and the API minimum'}

\`sync --plan --json\` and then \`sync --json\` into the same fresh store (emulator without latency or rate limit; every
entity: PRs, reviews, commits, commit files). Planned = the plan's midpoint; where Cloud cannot count (commits of a long
history, PR activity) the plan gives a range. The plan's own requests (first pages, listings) are made again by the sync.
The API minimum is the emulator's count at the largest page each endpoint allows (Cloud: the cheaper of one activity
listing per PR and the repository-level listing); Data Center's minimum assumes one commit listing reaches every branch,
which its API cannot (one walk per further branch). \`adversarial\` is small's shape where every reviewer requests changes.
Command: \`npm run bench -- --only ${only?.has('plan-large') ? 'plan-large' : 'plan'}\`.

| dataset | provider | planned | range | made | planned / made | plan's own requests | API minimum | made / minimum |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets: planned / made within 0.75–1.25; made / minimum ≤ 1.00.`)
    }

    if (only?.has('git')) {
      const {benchGitChannel} = await import('./git-vs-rest.js')
      sections.push(await benchGitChannel({startEmu, stopEmu, runSync, scratch, quick, log, largeFull: args.includes('--large-full')}))
    }

    if (want('storm429')) {
      log('Cloud 429 storm…')
      const dataset = {containers: 1, reposPerContainer: 3, prsPerRepo: 20, commitsPerRepo: 40, filesPerCommit: 1}
      const limit = {requestsPerWindow: 40, windowMs: 4000}
      const emu = await startEmu({flavor: 'cloud', dataset, rateLimit: limit})
      const dir = mkdtempSync(join(scratch, 'storm-'))
      let run: SyncRun
      try {
        run = await runSync(emu.info, dir, [], 'cloud')
      } finally {
        await stopEmu(emu.proc)
      }
      const lost = (['pullRequest', 'commit', 'commitFile'] as const).map((e) => [e, (emu.info.truth[e] ?? 0) - (run.summary.counts[e] ?? 0)] as const)
      sections.push(`## A Cloud 429 storm

Cloud emulator with a rolling window of ${limit.requestsPerWindow} requests per ${limit.windowMs / 1000} s per principal, answering 429 with no
\`Retry-After\` (as Cloud does) and no \`X-RateLimit-*\` headers (API token); the client is told a far larger budget, so it
learns the limit only from the 429s. ${int(emu.info.repos.length)} repos × ${dataset.prsPerRepo} PRs × ${dataset.commitsPerRepo} commits, every entity.
Command: \`npm run bench -- --only storm429\`.

| requests | 429 retries | countdowns shown (\`wait\` events) | gauge at 0 while waiting | gauge full while waiting | wall | complete | lost (PRs / commits / files) |
|---|---|---|---|---|---|---|---|
| ${int(run.summary.requests)} | ${int(run.summary.retries)} | ${int(run.waits)} | ${int(run.emptyGaugeWhileWaiting)} | ${int(run.fullGaugeWhileWaiting)} | ${fmt(run.wallMs / 1000, 1)} s | ${run.summary.complete ? 'yes' : 'no'} | ${lost.map(([, n]) => int(n)).join(' / ')} |

A 429 makes the principal's gauge read 0 left (the server said so, whatever the client counted) for as long as it
waits; past the quick backoff the client waits for the window like its own limiter does, bounded only by \`--max-wait\`.`)
    }

    if (want('store')) {
      log('store writes…')
      const {benchStoreWrites} = await import('../test/core/store/bench.js')
      const shaped = await benchStoreWrites({repos: quick ? 4 : 20, commitsPerRepo: 2000, writers: 8})
      const worst = await benchStoreWrites({repos: 1, commitsPerRepo: quick ? 10_000 : 40_000, writers: 1})
      const naiveRows = quick ? 2_000 : 10_000
      const naive = naiveInsertsPerSecond(naiveRows)
      const row = (label: string, r: typeof shaped) =>
        `| ${label} | ${int(r.entities)} | ${int(r.transactions)} | **${int(r.entitiesPerSecond)}** | ${fmt(r.entitiesPerSecond / naive)}× |`
      sections.push(`## Store writes

\`benchStoreWrites()\` (test/core/store/bench.ts) writes the way the sync engine does: per repository, PR pages of 50
with their reviews and issue refs, commit pages of 100 with their issue refs, users and the resume cursor in one
transaction, then commit files 25 commits per transaction; several repositories at once share the store, as
\`sync --concurrency 8\` does. Rows are generated before the clock starts. Fresh SQLite store (WAL, prepared multi-row
upserts, group commit). Baseline, same run: one autocommitted \`INSERT\` per row with better-sqlite3's defaults, as a
hand-written script would (${int(naiveRows)} rows).

| writer | entities | transactions | entities/s | vs baseline |
|---|---|---|---|---|
| baseline: one INSERT per row | ${int(naiveRows)} | ${int(naiveRows)} | ${int(naive)} | 1.00× |
${row(`bb-integrate store: ${shaped.repos} repos × ${int(shaped.commitsPerRepo)} commits (the large dataset's shape), 8 writers`, shaped)}
${row(`bb-integrate store, worst case: 1 repo × ${int(worst.commitsPerRepo)} commits, 1 writer`, worst)}

Target: ≥ 50,000 entities/s (the first row: the shape \`sync\` writes). The worst case shows the limit: commit hashes are
random keys, so each insert dirties a different page of a large B-tree, and the WAL carries a page per insert.`)
    }
    if (want('workers')) {
      log('workers…')
      const {benchWorkers} = await import('./workers.js')
      const windowMs = 100
      const limit = 128
      const dataset = quick ? '1x6x3x6' : '1x12x4x8'
      const loadBefore = (await import('node:os')).loadavg()[0] ?? 0
      const rows = await benchWorkers({dataset, windowMs, limit, quick})
      const {loadavg, cpus} = await import('node:os')
      const load = loadavg()[0] ?? 0
      const table = rows.map((r) => `| ${r.principals} | ${r.workers} | ${int(r.requests)} | ${fmt(r.seconds, 1)} s | ${fmt(r.perSecond, 1)}/s | ${fmt(r.boundPerSecond, 1)}/s | **${fmt(r.ratio)}** | ${r.rateLimited} | ${fmt(r.busyPrincipals, 2)} |`).join('\n')
      sections.push(`## Workers: throughput against the shared rate-limit bound

\`bb-integrate worker\` processes (the built CLI, \`--concurrency 4\` each) drain one PostgreSQL queue filled by \`sync --enqueue\`
(Cloud emulator, dataset \`${dataset}\` per principal, every entity). Each principal is a connection with a different user's
API token; the emulator limits each to ${limit} requests per rolling "hour" of ${(windowMs * 60) / 1000} s, and
\`BB_INTEGRATE_RATE_WINDOW_MS=${windowMs}\` shrinks the clients' clock to match (${limit}/h → a cap of ${Math.floor(limit / 62)} per ${windowMs} ms
window; docs/workers.md). Bound = principals × cap / window: the most a client may send without a 429. Time runs from
the first job's start until the queue is empty. "Busy" is the mean number of principals holding a running job
(sampled every 100 ms): job slots follow the budgets (docs/workers.md), so with 4 principals it should be near 4.

| principals | workers | requests | time | requests/s | bound | ratio to bound | 429s | busy |
|---|---|---|---|---|---|---|---|---|
${table}

Target: ratio ≥ 0.9 with 0 × 429; more workers on one principal never exceed its bound.
One-minute load average ${fmt(loadBefore, 1)} at the start and ${fmt(load, 1)} at the end of the run, on ${cpus().length} cores
(every worker, PostgreSQL and the emulator share them, with whatever else the machine runs).`)
    }

    if (want('webhooks')) {
      log('webhooks listen…')
      const {benchWebhooks} = await import('./webhooks.js')
      const soakDeliveries = quick ? 1000 : 10_000
      const w = await benchWebhooks(mkdtempSync(join(scratch, 'listen-')), {soakDeliveries, ratePerSecond: 200, latencySamples: quick ? 20 : 60})
      const s = w.soak
      const quarter = (q: number) => fmt(s.rssSamplesMb[Math.min(s.rssSamplesMb.length - 1, Math.floor(q * s.rssSamplesMb.length))] ?? 0, 0)
      sections.push(`## Webhooks: change → store, requests per delivery, soak

The built \`webhooks listen --json\` (its own process, SQLite store) against the Cloud emulator (tiny dataset, no
latency) after a full sync. Latency: from the call that changes the emulator (a comment on a reviewed PR; every tenth a
push of 3 commits) to the listener's \`applied\` line for its delivery — the emulator signs and POSTs the delivery,
the listener answers, then refreshes from the API and commits. Requests: what the emulator served per delivery.
Soak: ${int(s.sent)} signed \`pullrequest:updated\` deliveries naming real PRs, sent at ${s.ratePerSecond}/s over keep-alive
connections, plus a replay of an earlier id after every 20th (${int(s.replays)} replays).

| measure | result | target |
|---|---|---|
| latency change → store, p50 (n = ${w.latency.n}) | **${int(w.latency.p50)} ms** | — |
| latency change → store, p95 | **${int(w.latency.p95)} ms** (max ${int(w.latency.max)} ms) | ≤ 2,000 ms |
| REST requests per PR event (mean / max) | **${fmt(w.requestsPerPrEvent.mean)}** / ${fmt(w.requestsPerPrEvent.max)} | ≤ 2 |
| REST requests per push of 3 commits (mean / max) | ${fmt(w.requestsPerPush.mean)} / ${fmt(w.requestsPerPush.max)} | — |
| soak: sent in | ${fmt(s.seconds, 1)} s | ${fmt(s.sent / s.ratePerSecond, 0)} s |
| soak: answered 202 / 200 (replay) / other | ${int(s.accepted)} / ${int(s.duplicates)} / ${int(s.otherStatuses)} | ${int(s.sent)} / ${int(s.replays)} / 0 |
| soak: applied / lost / applied twice | **${int(s.applied)} / ${int(s.lost)} / ${int(s.appliedTwice)}** | ${int(s.sent)} / 0 / 0 |
| listener peak RSS | **${fmt(s.peakRssMb, 0)} MB** | ≤ 150 MB |
| listener RSS at 25 / 50 / 75 / 100 % of the soak | ${quarter(0.25)} / ${quarter(0.5)} / ${quarter(0.75)} / ${quarter(0.999)} MB | flat |

Command: \`npm run bench -- --only webhooks\`${quick ? ' --quick' : ''}.`)
    }
  } finally {
    rmSync(scratch, {recursive: true, force: true})
  }

  const doc = `# Benchmarks

Written by \`npm run bench\`${quick ? ' --quick' : ''} on ${started} (Node ${process.version}, ${process.platform}/${process.arch}).
Exact command: \`npm run bench${quick ? ' -- --quick' : ''}\`. Numbers from one run on a shared 2-core machine; ratios are
taken against baselines run side by side in the same invocation.

${sections.join('\n\n')}
`
  const target = join(root, 'docs/BENCHMARKS.md')
  writeFileSync(target, only && existsSync(target) ? mergeSections(readFileSync(target, 'utf8'), sections, started, [...only]) : doc)
  log('wrote docs/BENCHMARKS.md')
}

/**
 * `--only` rewrites just the sections it ran (matched by their `## ` title) and keeps the others, so a
 * partial run never drops figures; the header says which sections are newer.
 */
function mergeSections(existing: string, fresh: string[], started: string, only: string[]): string {
  const [header = '', ...old] = existing.split(/\n(?=## )/)
  const title = (s: string) => s.split('\n')[0]
  const byTitle = new Map(fresh.map((s) => [title(s), s]))
  const out = old.map((s) => byTitle.get(title(s)) ?? s.trimEnd())
  for (const s of fresh) if (!old.some((o) => title(o) === title(s))) out.push(s)
  const note = `Sections re-run by \`npm run bench -- --only ${only.join(',')}\` on ${started}.`
  // Earlier re-runs of other sections keep their line; a re-run of the same sections replaces its own.
  const same = `\`npm run bench -- --only ${only.join(',')}\` on `
  const head = header.trimEnd().split('\n').filter((l) => !(l.startsWith('Sections re-run by') && l.includes(same))).join('\n')
  return [`${head}\n${note}`, ...out].join('\n\n') + '\n'
}

await main()
