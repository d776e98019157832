/**
 * BB_INTEGRATE_DEBUG=http on the built CLI against the emulator: the redacted request/response lines on
 * stderr (like gh's GH_DEBUG=api), stdout untouched, and the credential nowhere in any output.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {findSecrets} from '../../commands/connect/secret-scan.js'
import {ensureBuilt, runCli} from '../../helpers/cli.js'

describe('BB_INTEGRATE_DEBUG=http', () => {
  let emu: RunningEmulator
  let dir: string
  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 1, latencyMs: 0, rateLimit: null})
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-debug-'))
  }, 180_000)
  afterAll(async () => {
    await emu?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('prints each request and response on stderr, redacted; stdout stays data; without it, nothing', async () => {
    const login = await emu.admin.demoCredential()
    const env = {
      BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email,
      BB_INTEGRATE_URL: emu.apiBase, BB_INTEGRATE_PROVIDER: 'cloud',
    }
    const debug = await runCli(['repos', 'list', '--json'], {env: {...env, BB_INTEGRATE_DEBUG: 'http'}})
    expect(debug.code, debug.stderr).toBe(0)
    expect(debug.stderr).toMatch(new RegExp(`^\\* request GET ${emu.apiBase.replace(/[/.]/g, '\\$&')}/\\S+ \\(credential \\S+, attempt 1\\)$`, 'm'))
    expect(debug.stderr).toMatch(/^\* response 200 GET \S+ in \d+ ms/m)
    expect(() => JSON.parse(debug.stdout)).not.toThrow()
    expect(findSecrets([login.token, `${login.email}:${login.token}`], {stdout: debug.stdout, stderr: debug.stderr}, [])).toEqual([])

    const quiet = await runCli(['repos', 'list', '--json'], {env})
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).not.toMatch(/^\* request/m)
    expect(quiet.stdout).toBe(debug.stdout)
  }, 60_000)
})
