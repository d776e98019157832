/**
 * The sync dashboard and the picker as a person sees them in a real terminal (tmux) at 60 and 120 columns,
 * with NO_COLOR=1: `capture-pane -e` (colours and attributes as escape sequences) shows none; every line
 * fits; names end in "…", counts are dropped whole, never cut; the ETA shows at 120 columns; a resize
 * re-lays the rows; the finished dashboard ends with the plain renderer's summary line and no key help.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {baseEnv, ensureBuilt, ROOT} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'

const REPOS = 12 // dataset "small"
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[/
/** The summary line the plain renderer prints last (test/e2e/dashboard/dashboard.test.ts checks that one). */
const SUMMARY = new RegExp(`sync complete: ${REPOS} done, 0 failed, 0 left; [\\s\\S]*\\d+ requests, \\d+ retries, \\d+ rate-limit waits in \\d+`)

const dirs: string[] = []
function configFor(emu: RunningEmulator): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bbi-layout-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    version: 1,
    defaultConnection: 'default',
    connections: {
      default: {
        name: 'default', provider: 'cloud', url: emu.apiBase, rateLimitPerHour: 100_000,
        credentials: [], selection: [], createdAt: new Date().toISOString(),
      },
    },
  }))
  return dir
}

/** The lines of the screen the program drew (tmux pads nothing; trailing blank lines dropped). */
const lines = (screen: string) => screen.replace(/\n+$/, '').split('\n')
const repoRows = (screen: string) => lines(screen).filter((l) => /^acme-/.test(l))

describe('terminal layouts at 60 and 120 columns with NO_COLOR=1 (tmux)', () => {
  let emu: RunningEmulator
  const terminals: Tmux[] = []

  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'small', seed: 1, latencyMs: 12, rateLimit: null})
  }, 180_000)
  afterEach(async () => {
    for (const t of terminals.splice(0)) await t.kill()
  })
  afterAll(async () => {
    await emu?.close()
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  async function sync(width: number, extra: Record<string, string | undefined> = {}): Promise<Tmux> {
    const login = await emu.admin.demoCredential()
    const t = await Tmux.start('node bin/run.js sync --concurrency 2; echo EXIT=$?', {
      env: baseEnv({
        BB_INTEGRATE_CONFIG_DIR: configFor(emu), BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email,
        NO_COLOR: '1', CI: undefined, ...extra,
      }),
      width, height: 30, cwd: ROOT,
    })
    terminals.push(t)
    return t
  }

  it('120 columns: the ETA shows, rows hold bars and all four counts, no escape sequence, the summary ends it', async () => {
    const t = await sync(120)
    let screen = await t.waitForText(/Repos [1-9]\d*\/12 · ETA \d+s · /, 30_000)
    expect(screen).toMatch(/^acme-[\w-]+\/[\w.-]+\s+[█░]{16} \w+\s+PRs \d+ {2}reviews \d+ {2}commits [\d,]+ {2}files [\d,]+$/m)
    expect(screen).toContain('q stop (resumable)')
    expect(await t.capture({escapes: true})).not.toMatch(ESCAPE)
    screen = await t.waitForText(/EXIT=\d+/, 60_000)
    expect(screen).toMatch(/EXIT=0\b/)
    expect(screen).toMatch(SUMMARY)
    // Finished: nothing left to stop.
    expect(screen).not.toContain('q stop')
    expect(await t.capture({escapes: true, history: true})).not.toMatch(ESCAPE)
    for (const l of lines(screen)) expect([...l].length, l).toBeLessThanOrEqual(120)
  }, 90_000)

  it('60 columns: one line per repository, counts dropped whole (never "revi…"), the header keeps Repos and ETA; a resize re-lays it', async () => {
    const t = await sync(60)
    let screen = await t.waitForText(/^acme-\S+ +(pullRequests|reviews|commits|commitFiles|done) +PRs \d+/m, 30_000)
    expect(screen).toMatch(/Repos \d+\/12 · ETA /)
    for (const row of repoRows(screen)) {
      expect([...row].length, row).toBeLessThan(60)
      // No bar at this width, and every count shown is whole: "label number", ending the line.
      expect(row).not.toMatch(/[█░]/)
      expect(row).toMatch(/(PRs|reviews|commits|files) [\d,]+$/)
    }
    // A name longer than its column ends in "…" and leaves a space before the phase.
    expect(screen).toMatch(/^acme-\S*… +\w+/m)
    expect(await t.capture({escapes: true})).not.toMatch(ESCAPE)

    // Widen the terminal: the rows get their bars and all four counts without a restart.
    await t.resize(120, 30)
    screen = await t.waitForText(/^acme-\S+ +[█░]{16} \w+ +PRs \d+ {2}reviews \d+ {2}commits [\d,]+ {2}files [\d,]+$/m, 20_000)
    // …and narrower again: the bars go.
    await t.resize(60, 30)
    await t.waitForText(/EXIT=\d+/, 60_000)
    screen = await t.capture()
    expect(screen).toMatch(/EXIT=0\b/)
    for (const row of repoRows(screen)) {
      expect([...row].length, row).toBeLessThan(60)
      expect(row).not.toMatch(/[█░]/)
    }
    expect(screen.replace(/\n/g, ' ')).toMatch(SUMMARY)
    expect(screen).not.toContain('q stop')
    expect(await t.capture({escapes: true})).not.toMatch(ESCAPE)
  }, 120_000)

  it('--no-color does what NO_COLOR does; with neither, the same terminal shows colours', async () => {
    const login = await emu.admin.demoCredential()
    const env = baseEnv({
      BB_INTEGRATE_CONFIG_DIR: configFor(emu), BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email,
      NO_COLOR: undefined, CI: undefined,
    })
    const plain = await Tmux.start('node bin/run.js sync --no-color; echo EXIT=$?', {env, width: 100, height: 30, cwd: ROOT})
    terminals.push(plain)
    await plain.waitForText(/EXIT=0/, 60_000)
    expect(await plain.capture({escapes: true, history: true})).not.toMatch(ESCAPE)

    const coloured = await Tmux.start('node bin/run.js sync; echo EXIT=$?', {env, width: 100, height: 30, cwd: ROOT})
    terminals.push(coloured)
    await coloured.waitForText(/EXIT=0/, 60_000)
    expect(await coloured.capture({escapes: true, history: true})).toMatch(ESCAPE)
  }, 150_000)
})

describe('validate table at 60 and 120 columns with NO_COLOR=1 (tmux)', () => {
  let emu: RunningEmulator
  const terminals: Tmux[] = []
  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 1, latencyMs: 0, rateLimit: null})
  }, 180_000)
  afterAll(async () => {
    for (const t of terminals.splice(0)) await t.kill()
    await emu?.close()
  })

  for (const width of [60, 120]) {
    it(`${width} columns: no line reaches the edge (nothing wrapped by the terminal), whole words, no escape sequence`, async () => {
      const login = await emu.admin.demoCredential()
      const t = await Tmux.start('node bin/run.js validate; echo EXIT=$?', {
        env: baseEnv({BB_INTEGRATE_CONFIG_DIR: configFor(emu), BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email, NO_COLOR: '1', CI: undefined}),
        width, height: 50, cwd: ROOT,
      })
      terminals.push(t)
      const screen = await t.waitForText(/EXIT=\d+/, 60_000)
      const table = lines(screen).filter((l) => !/^EXIT=/.test(l))
      expect(table.some((l) => /^[✓!✗-] (PASS|WARN|FAIL|SKIP) {2}/.test(l))).toBe(true)
      expect(screen).toMatch(/validate (OK|FAILED)/)
      for (const l of table) expect([...l].length, l).toBeLessThan(width)
      expect(await t.capture({escapes: true, history: true})).not.toMatch(ESCAPE)
    }, 90_000)
  }
})
