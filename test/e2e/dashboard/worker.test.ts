/**
 * The worker's live view in a real terminal (tmux) at 60 and 120 columns with NO_COLOR=1: jobs from a
 * real PostgreSQL queue show with their phase and elapsed time, the queue's depth and the principal's
 * budget show, every line fits, no escape sequence is written; q (120) and Ctrl-C (60) stop it
 * gracefully: the view says so and the worker exits 0.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {baseEnv, BIN, ensureBuilt, ROOT} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'
import {pgAvailable, startPgServer} from '../../core/store/pg-server.js'
import type {PgServer} from '../../core/store/pg-server.js'

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[/
const lines = (screen: string) => screen.replace(/\n+$/, '').split('\n')

describe.skipIf(!pgAvailable())('worker live view at 60 and 120 columns with NO_COLOR=1 (tmux)', () => {
  let emu: RunningEmulator
  let server: PgServer
  const terminals: Tmux[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    ensureBuilt()
    server = (await startPgServer()) as PgServer
    // Latency keeps each job on screen long enough to be seen running.
    emu = await startEmulator({flavor: 'cloud', dataset: 'small', seed: 1, latencyMs: 40, rateLimit: null})
  }, 180_000)
  afterEach(async () => {
    for (const t of terminals.splice(0)) await t.kill()
  })
  afterAll(async () => {
    await emu?.close()
    await server?.stop()
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  async function worker(width: number, database: string): Promise<Tmux> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbi-worker-view-'))
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
    const login = await emu.admin.demoCredential()
    const env = baseEnv({
      BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email,
      BB_INTEGRATE_STORE: await server.createDatabase(database), NO_COLOR: '1', CI: undefined,
    })
    // Not spawnSync: the emulator answers from this process's event loop.
    await promisify(execFile)(process.execPath, [BIN, 'sync', '--enqueue'], {env, cwd: ROOT})
    const t = await Tmux.start('node bin/run.js worker --catch-up off --concurrency 2; echo EXIT=$?', {env, width, height: 30, cwd: ROOT})
    terminals.push(t)
    return t
  }

  for (const [width, stopKey] of [[120, 'q'], [60, 'C-c']] as const) {
    it(`${width} columns: running jobs, queue and budget on one line each, no escape sequence; ${stopKey} stops it, exit 0`, async () => {
      const t = await worker(width, `view${width}`)
      const screen = await t.waitForText(/^default:acme-\S+ +(pullRequests|reviews|commits|commitFiles|starting) +\d+s$/m, 60_000)
      expect(screen).toContain('bb-integrate worker')
      expect(screen).toMatch(/Running [12] of 2/)
      expect(await t.waitForText(/Queue \d+ waiting · \d+ later · \d+ running · \d+ failed/, 20_000)).toBeTruthy()
      const withBudget = await t.waitForText(/^\S+ .*\d+\/1,612 (in this 60 s window|per 60 s)$/m, 20_000)
      for (const l of lines(withBudget)) expect([...l].length, l).toBeLessThanOrEqual(width)
      if (width < 80) expect(withBudget).not.toMatch(/[█░]/)
      else expect(withBudget).toMatch(/[█░]{16}/)
      expect(await t.capture({escapes: true})).not.toMatch(ESCAPE)

      await t.sendKeys(stopKey)
      const end = await t.waitForText(/EXIT=\d+/, 60_000)
      expect(end).toMatch(/EXIT=0\b/)
      expect(end).toMatch(/stopping: running jobs stop after their current page|worker stopped/)
      expect(await t.capture({escapes: true, history: true})).not.toMatch(ESCAPE)
    }, 150_000)
  }
})
