/**
 * `npm run bench -- --only git`: commits and commit files via REST and via git, side by side in one run,
 * on a 10,000-commit Cloud repository and on the `large` dataset. The built CLI syncs into a fresh store
 * against the emulator in its own process (no latency, no rate limit); the emulator's own counters give
 * the REST and git requests each path made. Figures: REST requests for commits + files, git requests,
 * wall time, the CLI's peak RSS, disk per mirror, a no-change re-sync, and the Cloud budget-hours a first
 * full sync needs on each path (REST 1,000/h per user; git its own 60,000/h).
 */
import {execFileSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import type {EmuInfo, SyncRun} from './run.js'

export interface GitBenchDeps {
  startEmu(options: object): Promise<{info: EmuInfo; proc: ChildProcess}>
  stopEmu(proc: ChildProcess): Promise<void>
  runSync(info: EmuInfo, dir: string, extra: string[]): Promise<SyncRun>
  scratch: string
  quick: boolean
  /** `--large-full`: sync all 100 repositories of `large`, via git and via REST (long; on a quiet machine). */
  largeFull?: boolean
  log(line: string): void
}

/** Cloud's budgets per user and rolling hour. */
const CLOUD_REST_PER_HOUR = 1000
const CLOUD_GIT_PER_HOUR = 60_000

interface Counters {
  rest: number
  git: number
  byRoute: Record<string, number>
}

async function counters(info: EmuInfo): Promise<Counters> {
  const res = await fetch(`${info.url}/_admin/stats`)
  const body = (await res.json()) as {total: number; git: number; byRoute: Record<string, number>}
  return {rest: body.total, git: body.git, byRoute: body.byRoute}
}

function delta(before: Counters, after: Counters): Counters {
  const byRoute: Record<string, number> = {}
  for (const [route, n] of Object.entries(after.byRoute)) {
    const d = n - (before.byRoute[route] ?? 0)
    if (d > 0) byRoute[route] = d
  }
  return {rest: after.rest - before.rest, git: after.git - before.git, byRoute}
}

/** Requests whose route matches, summed. */
function routes(c: Counters, pattern: RegExp): number {
  return Object.entries(c.byRoute).reduce((n, [route, k]) => (pattern.test(route) ? n + k : n), 0)
}

interface Measured {
  label: string
  /** The emulator's count of the requests a commits-only REST sync needs at the largest pages. */
  minimum: number
  repos: number
  commits: number
  files: number
  git: {run: SyncRun; used: Counters; resync: Counters; diskKiB: number; mirrors: number}
  rest: {run: SyncRun | null; used: Counters | null; planned: {requests: number; low: number; high: number} | null}
}

const fmt = (n: number, d = 2): string => n.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})
const int = (n: number): string => Math.round(n).toLocaleString('en-US')

async function measure(deps: GitBenchDeps, label: string, dataset: string, restInFull: boolean, firstRepos: number | null = null): Promise<Measured> {
  // Only the commits-only API minimum is counted up front (the full counts generate every repository
  // four times), and nothing when only some repositories are synced.
  const {info: all, proc} = await deps.startEmu({dataset, counts: firstRepos === null ? 'commits' : 'none'})
  const info = firstRepos === null ? all : {...all, repos: all.repos.slice(0, firstRepos)}
  const dir = mkdtempSync(join(deps.scratch, 'git-'))
  const mirrors = join(dir, 'mirrors')
  const common = ['--no-prs', '--concurrency', '4', ...(firstRepos === null ? [] : info.repos.flatMap((r) => ['--repo', r]))]
  try {
    deps.log(`  ${label}: via git…`)
    const gitArgs = [...common, '--commits-from', 'git', '--git-dir', mirrors]
    let before = await counters(info)
    const gitRun = await deps.runSync(info, dir, gitArgs)
    const used = delta(before, await counters(info))
    const diskKiB = Number(execFileSync('du', ['-sk', mirrors]).toString().split('\t')[0])
    deps.log(`    ${used.rest} REST, ${used.git} git, ${(gitRun.wallMs / 1000).toFixed(1)} s, ${gitRun.peakRssMb.toFixed(0)} MB, ${diskKiB} KiB of mirrors`)
    let mirrorCount = 0
    for (const connection of readdirSync(mirrors)) for (const owner of readdirSync(join(mirrors, connection))) mirrorCount += readdirSync(join(mirrors, connection, owner)).length
    // A saved selection names its repositories: the re-sync does not list them again.
    before = await counters(info)
    await deps.runSync(info, dir, firstRepos === null ? [...gitArgs, ...info.repos.flatMap((r) => ['--repo', r])] : gitArgs)
    const resync = delta(before, await counters(info))
    deps.log(`    no-change re-sync: ${resync.rest} REST, ${resync.git} git`)

    const restDir = mkdtempSync(join(deps.scratch, 'rest-'))
    const restArgs = [...common, '--commits-from', 'rest']
    deps.log(`  ${label}: REST planned (sync --plan)…`)
    const planRun = await deps.runSync(info, restDir, [...restArgs, '--plan'])
    const plan = planRun.plan
    if (!plan) throw new Error('sync --plan printed no planSummary')
    const planned = {requests: plan.estimatedRequests, low: plan.requests.low, high: plan.requests.high}
    deps.log(`    planned ${planned.requests} (${planned.low}–${planned.high})`)
    let rest: Measured['rest'] = {run: null, used: null, planned}
    if (restInFull) {
      deps.log(`  ${label}: via REST…`)
      before = await counters(info)
      const run = await deps.runSync(info, restDir, restArgs)
      rest = {run, used: delta(before, await counters(info)), planned}
      deps.log(`    ${rest.used?.rest} REST, ${(run.wallMs / 1000).toFixed(1)} s, ${run.peakRssMb.toFixed(0)} MB`)
    }
    rmSync(restDir, {recursive: true, force: true})
    return {
      label, minimum: info.minimum.commitsAndFiles, repos: info.repos.length, commits: gitRun.summary.counts.commit ?? 0, files: gitRun.summary.counts.commitFile ?? 0,
      git: {run: gitRun, used, resync, diskKiB, mirrors: mirrorCount}, rest,
    }
  } finally {
    await deps.stopEmu(proc)
    rmSync(dir, {recursive: true, force: true})
  }
}

/**
 * The REST path's requests from the git path's: the same listings and commit pages, a branch listing
 * instead of a clone link per repository, and one diffstat per commit (the 10,000-commit row, run both
 * ways, shows REST makes exactly that).
 */
function derivedRest(m: Measured): number {
  return m.git.used.rest - m.git.mirrors + m.repos + m.commits
}

function rows(m: Measured): string[] {
  const target = 3 * m.repos + Math.ceil(m.commits / 100)
  const g = m.git
  const diffstats = (c: Counters): number => routes(c, /diffstat/)
  const gitLine = `| ${m.label} | git | ${int(g.used.rest)} (${int(diffstats(g.used))} diffstats) | target ≤ ${int(target)} | ${int(g.used.git)} | ${fmt(g.run.wallMs / 1000, 1)} s | ${fmt(g.run.peakRssMb, 0)} MB | ${fmt(g.diskKiB / 1024 / Math.max(1, g.mirrors), 1)} MiB (${int(g.mirrors)} ${g.mirrors === 1 ? 'mirror' : 'mirrors'}) | ${fmt(g.resync.rest / m.repos)} REST + ${fmt(g.resync.git / m.repos)} git | **${fmt(Math.max(g.used.rest / CLOUD_REST_PER_HOUR, g.used.git / CLOUD_GIT_PER_HOUR))} h** |`
  const r = m.rest
  const planned = r.planned ? `${int(r.planned.requests)}${r.planned.low === r.planned.high ? ' (exact)' : ` (${int(r.planned.low)}–${int(r.planned.high)})`}` : '—'
  const restLine = r.run && r.used
    ? `| ${m.label} | REST | ${int(r.used.rest)} (${int(diffstats(r.used))} diffstats; API minimum ${int(m.minimum)}) | plan ${planned} | ${int(r.used.git)} | ${fmt(r.run.wallMs / 1000, 1)} s | ${fmt(r.run.peakRssMb, 0)} MB | — | — | **${fmt(r.used.rest / CLOUD_REST_PER_HOUR)} h** |`
    : m.minimum > 0
      ? `| ${m.label} | REST (not run: the API minimum) | ${int(m.minimum)} (${int(m.commits)} diffstats) | plan ${planned} | 0 | — | — | — | — | **${fmt(m.minimum / CLOUD_REST_PER_HOUR)} h** |`
      : `| ${m.label} | REST (not run: derived) | ${int(derivedRest(m))} (${int(m.commits)} diffstats) | plan ${planned} | 0 | — | — | — | — | **${fmt(derivedRest(m) / CLOUD_REST_PER_HOUR)} h** |`
  return [gitLine, restLine]
}

export async function benchGitChannel(deps: GitBenchDeps): Promise<string> {
  deps.log('commits from git vs REST…')
  const big = deps.quick ? 'custom-1x1x20x2000' : 'custom-1x1x20x10000'
  const many = deps.quick ? 'custom-2x4x20x400' : 'large'
  // `large` is 4 workspaces of 25 alike repositories (2,000 commits each): on a shared 2-core machine
  // the bench syncs its first workspace and scales the budget to all 100 (per-repository costs are equal).
  const share = deps.quick || deps.largeFull ? null : 25
  const one = await measure(deps, `1 repository × ${deps.quick ? '2,000' : '10,000'} commits`, big, true)
  const largeLabel = deps.quick ? '8 repositories × 400 commits' : deps.largeFull ? '`large` (100 repositories)' : '`large`, first workspace (25 of 100 repositories)'
  const large = await measure(deps, largeLabel, many, deps.quick || Boolean(deps.largeFull), share)
  const table = [...rows(one), ...rows(large)].join('\n')
  return `## Commits from git vs REST

\`sync --no-prs --concurrency 4 --commits-from git|rest\` (the built CLI, a fresh SQLite store each) against the Cloud
emulator in its own process, no latency, no rate limit: ${big} (one repository, ${int(one.commits)} commits,
${int(one.files)} commit files) and ${deps.quick ? many : `the \`large\` dataset${deps.largeFull ? '' : "'s first workspace"} (${int(large.repos)} repositories, ${int(large.commits)} commits, ${int(large.files)} commit files)`}.
Requests are the emulator's own counts. REST target on the git path: ≤ 3 per repository + 1 per 100 commits (the
commit listing gives each author's Bitbucket account; the clone link comes from the repository). Peak RSS is the
CLI's Node process (\`maxRSS\`; the \`git\` processes it runs are not included). The no-change re-sync names the
repositories (\`--repo\`, as a saved selection does) and is counted per repository. Budget-hours: what a first full
sync costs a Cloud user, REST at ${int(CLOUD_REST_PER_HOUR)}/h and git at ${int(CLOUD_GIT_PER_HOUR)}/h, the two spent side by side (the larger of the two).
The REST rows also give \`sync --plan --no-prs --commits-from rest\` (its midpoint, and its range where Cloud cannot count) and
the API minimum: the emulator's exact count of the listings and diffstats a commits-only sync needs at the largest pages.
${large.rest.run ? '' : `The REST path of \`large\` (one diffstat request per commit) was not run here: its figure is derived from the git path's
requests (the same listings and commit pages, a branch listing instead of a clone link per repository, one diffstat per
commit), which is exactly what the REST path made on the 10,000-commit repository above; the plan's estimate is beside it.
`}Command: \`npm run bench -- --only git${deps.quick ? ' --quick' : ''}${deps.largeFull ? ' --large-full' : ''}\`.

| dataset | path | REST requests (commits + files) | target / plan | git requests | wall | peak RSS | disk per mirror | no-change re-sync per repo | Cloud budget-hours |
|---|---|---|---|---|---|---|---|---|---|
${table}

${share === null ? '' : `Scaled to all of \`large\` (×${100 / share}, its repositories being alike): via git ${int(large.git.used.rest * 100 / share)} REST + ${int(large.git.used.git * 100 / share)} git requests = **${fmt(Math.max(large.git.used.rest / CLOUD_REST_PER_HOUR, large.git.used.git / CLOUD_GIT_PER_HOUR) * 100 / share)} budget-hours**; via REST ${int(derivedRest(large) * 100 / share)} requests = **${fmt(derivedRest(large) / CLOUD_REST_PER_HOUR * 100 / share)} budget-hours** (one diffstat per commit: ${int(large.commits * 100 / share)} of them; the plan says ${int((large.rest.planned?.requests ?? 0) * 100 / share)}).

`}Targets: git path ≤ 3 REST per repository + 1 per 100 commits; peak RSS ≤ 200 MB and flat; a no-change re-sync ≤ 2 git
and ≤ 2 REST requests per repository; \`large\` ≤ 3 budget-hours via git (≈ 200 h via REST).`
}
