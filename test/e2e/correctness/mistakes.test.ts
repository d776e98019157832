/**
 * Mistakes are not silent (issue 11, item 8): a connection name that matches nothing, contradicting
 * flags and a mistyped command each exit 2 with a message that says what to do.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'

let dir: string
beforeAll(() => {
  ensureBuilt()
  dir = mkdtempSync(path.join(tmpdir(), 'bbi-mistakes-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const cli = (args: string[]) => runCli(args, {timeoutMs: 30_000, env: {BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_STORE: path.join(dir, 's.db')}})

describe('mistakes are not silent', () => {
  it('auth status --name nope exits 2 naming it (also under --json)', async () => {
    const r = await cli(['auth', 'status', '--name', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/No connection named "nope"/)
    const json = await cli(['auth', 'status', '--name', 'nope', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toMatchObject({error: {code: 'no_connection', exitCode: 2}})
  }, 60_000)

  it('sync --since with --full exits 2 before touching the network or the store', async () => {
    const r = await cli(['sync', '--since', '2026-01-01', '--full'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--since and --full contradict/)
  }, 60_000)

  it('"did you mean" for every command, transposed letters included', async () => {
    const typos: Array<[string[], string]> = [
      [['sycn'], 'sync'], [['conenct'], 'connect'], [['validtae'], 'validate'], [['exprot'], 'export'], [['deom'], 'demo'],
      [['disconect'], 'disconnect'], [['auth', 'stauts'], 'auth status'], [['repos', 'lsit'], 'repos list'], [['repos', 'selcet'], 'repos select'],
    ]
    for (const [args, meant] of typos) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(`did you mean "${meant}"?`)
    }
  }, 120_000)
})
