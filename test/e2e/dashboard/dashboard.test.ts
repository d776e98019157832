/**
 * The sync dashboard as a person sees it: the built CLI in a real terminal (tmux, 120×40) against the
 * Cloud emulator with latency and a tight rate limit, read back with capture-pane. Then the same sync
 * without a terminal (plain lines on stderr) and with --json (NDJSON on stdout).
 *
 * The client learns Cloud's limit only from 429s (API tokens get no X-RateLimit headers), so the
 * dashboard shows a countdown after each 429. The connection raises the client's own hourly budget
 * (`rateLimitPerHour`, as for a scaled Cloud limit): the small dataset needs ~1,400 requests, more
 * than the default 1,000/hour, and a test must not wait an hour.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {baseEnv, ensureBuilt, ROOT, runCli} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'

const REPOS = 12 // dataset "small"

const dirs: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** A config dir with one Cloud connection (no stored secret: BB_INTEGRATE_TOKEN supplies it, as in CI). */
function configFor(emu: RunningEmulator): string {
  const dir = tempDir('bbi-dash-')
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    version: 1,
    defaultConnection: 'default',
    connections: {
      default: {
        name: 'default', provider: 'cloud', url: emu.apiBase, rateLimitPerHour: 10_000,
        credentials: [], selection: [], createdAt: new Date().toISOString(),
      },
    },
  }))
  return dir
}

async function envFor(emu: RunningEmulator, configDir: string): Promise<Record<string, string>> {
  const login = await emu.admin.demoCredential()
  return {
    BB_INTEGRATE_CONFIG_DIR: configDir,
    BB_INTEGRATE_TOKEN: login.token,
    BB_INTEGRATE_EMAIL: login.email,
  }
}

/** Ink's cursor movement / line erase (CSI n A, CSI n K, CSI 2K, CSI G …): never in plain output. */
// eslint-disable-next-line no-control-regex
const CURSOR_MOVEMENT = /\u001b\[\d*(?:;\d*)?[ABCDEFGHJKST]/

/** One repository row: key, a 16-cell bar, the phase and the four counts. */
const REPO_ROW = /^acme-[\w-]+\/[\w.-]+\s+[█░]{16} (queued|pullRequests|reviews|commits|commitFiles|done)\s+PRs \d+\s+reviews \d+\s+commits \d+\s+files \d+/m

/** Polls the visible screen until `predicate` holds. */
async function waitForScreen(t: Tmux, predicate: (screen: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let screen = ''
  while (Date.now() < deadline) {
    screen = await t.capture()
    if (predicate(screen)) return screen
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out after ${timeoutMs} ms; screen:\n${screen}`)
}

describe('sync dashboard in a real terminal (tmux)', () => {
  let emu: RunningEmulator
  const terminals: Tmux[] = []

  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({
      flavor: 'cloud', dataset: 'small', seed: 1, latencyMs: 30,
      rateLimit: {requestsPerWindow: 40, windowMs: 3000},
    })
  })
  afterEach(async () => {
    for (const t of terminals.splice(0)) await t.kill()
  })
  afterAll(async () => {
    await emu?.close()
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  async function terminal(env: Record<string, string>): Promise<Tmux> {
    const t = await Tmux.start('node bin/run.js sync; echo EXIT=$?', {
      // A person's terminal: colours on, not CI.
      env: baseEnv({...env, NO_COLOR: undefined, CI: undefined}),
      width: 120,
      height: 40,
      cwd: ROOT,
    })
    terminals.push(t)
    return t
  }

  it('shows rows, bars, counts, the rate-limit gauge and a countdown; q stops (exit 4); a re-run completes (exit 0)', async () => {
    const configDir = configFor(emu)
    const env = await envFor(emu, configDir)
    const t = await terminal(env)

    // Header and per-repo rows with progress bars and counts.
    await t.waitForText('bb-integrate sync', 15_000)
    let screen = await t.waitForText(REPO_ROW, 15_000)
    expect(screen).toMatch(new RegExp(`cloud · default → sqlite:${configDir.replace(/[/.]/g, '\\$&')}`))
    expect(screen).toMatch(new RegExp(`Repos \\d+/${REPOS} · `))

    // The rate-limit gauge (per credential) and, after a 429, a countdown.
    screen = await t.waitForText(/Rate limit \(per credential\)\n.*default\/env\s+[█░]{20} [\d,]+\/10,000 left/, 15_000)
    screen = await t.waitForText(/waiting \d+s \(429\)/, 20_000)
    expect(screen).toMatch(/PRs \d+/)
    expect(screen).toContain('q stop (resumable)')
    expect(screen).not.toMatch(/EXIT=/)

    // Counts grow while it runs.
    const total = (s: string) => [...s.matchAll(/(?:PRs|reviews|commits|files) (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
    const before = total(await t.capture())
    await waitForScreen(t, (s) => total(s) > before, 15_000)

    // q: a graceful stop, resumable, exit 4; the last frame stays on screen.
    await t.sendKeys('q')
    screen = await t.waitForText(/EXIT=\d+/, 20_000)
    expect(screen).toMatch(/EXIT=4\b/)
    expect(screen).toMatch(/interrupted/i)
    expect(screen).toMatch(REPO_ROW)
    const finishedAtStop = Number(new RegExp(`Repos (\\d+)/${REPOS}`).exec(await t.capture())?.[1] ?? 'NaN')
    expect(finishedAtStop).toBeLessThan(REPOS)

    // The re-run resumes and completes. The rate limit is lifted so it is quick.
    emu.admin.setRateLimit(null)
    emu.admin.setLatency(0)
    const again = await terminal(env)
    screen = await again.waitForText(/EXIT=\d+/, 45_000)
    expect(screen).toMatch(/EXIT=0\b/)
    expect(screen).toMatch(new RegExp(`Repos ${REPOS}/${REPOS} · `))
    const rows = (await again.capture()).match(new RegExp(REPO_ROW.source, 'gm')) ?? []
    expect(rows).toHaveLength(REPOS)
    for (const row of rows) expect(row).toMatch(/█{16} done/)

    // And the store holds everything Bitbucket has.
    const exported = await runCli(['export', '--entity', 'pullRequest', '--format', 'ndjson'], {env, timeoutMs: 20_000})
    expect(exported.code).toBe(0)
    expect(exported.stdout.trim().split('\n')).toHaveLength(emu.admin.truth('pullRequest').length)
  }, 120_000)
})

describe('sync without a terminal', () => {
  let emu: RunningEmulator

  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'small', seed: 1, latencyMs: 0, rateLimit: null})
  })
  afterAll(async () => {
    await emu?.close()
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  it('piped stderr: plain progress lines, no dashboard, no cursor movement, nothing on stdout', async () => {
    const env = await envFor(emu, configFor(emu))
    const r = await runCli(['sync'], {env: {...env, NO_COLOR: undefined}, timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).not.toMatch(CURSOR_MOVEMENT)
    expect(r.stderr).not.toContain('█')
    expect(r.stderr).not.toContain('q stop')
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^sync: ${REPOS} repositories of connection "default" \\(cloud\\) → sqlite:`))
    expect(r.stderr).toMatch(/^acme-[\w-]+\/[\w.-]+: pull requests…$/m)
    expect(r.stderr).toMatch(/^acme-[\w-]+\/[\w.-]+: commits…$/m)
    expect(r.stderr.match(/^acme-[\w-]+\/[\w.-]+: done \(/gm)).toHaveLength(REPOS)
    expect(lines.at(-1)).toMatch(new RegExp(`^sync complete: ${REPOS} done, 0 failed, 0 left; .*\\d+ requests, \\d+ retries, \\d+ rate-limit waits in \\d+`))
  }, 60_000)

  it('--json: NDJSON on stdout, every line v:1, the summary last', async () => {
    const env = await envFor(emu, configFor(emu))
    const r = await runCli(['sync', '--json'], {env, timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.endsWith('\n')).toBe(true)
    const lines = r.stdout.trimEnd().split('\n')
    const events = lines.map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>
      } catch {
        throw new Error(`line ${i + 1} is not JSON: ${line}`)
      }
    })
    for (const e of events) {
      expect(e.v).toBe(1)
      expect(typeof e.type).toBe('string')
    }
    expect(events[0]).toMatchObject({type: 'start', provider: 'cloud', connection: 'default', repos: REPOS})
    expect(events.filter((e) => e.type === 'summary')).toHaveLength(1)
    const summary = events.at(-1) as Record<string, unknown>
    expect(summary).toMatchObject({type: 'summary', complete: true, reposDone: REPOS, reposFailed: 0, reposLeft: 0, stopReason: null})
    for (const key of ['requests', 'retries', 'rateLimitWaits', 'durationMs']) expect(typeof summary[key], key).toBe('number')
    expect(summary.requests as number).toBeGreaterThan(0)
    // The summary's counts are the sum of the progress deltas.
    const counts = summary.counts as Record<string, number>
    const summed: Record<string, number> = {}
    for (const e of events) if (e.type === 'progress') summed[e.entity as string] = (summed[e.entity as string] ?? 0) + (e.count as number)
    expect(counts).toEqual(summed)
    expect(counts.pullRequest).toBe(emu.admin.truth('pullRequest').length)
    // Human text stays off stdout.
    expect(r.stdout).not.toMatch(/sync complete/)
  }, 60_000)
})
