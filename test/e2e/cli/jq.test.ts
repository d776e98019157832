/**
 * `--jq EXPR` on the built CLI against the emulator: the --json value through jq (jq-wasm), strings raw
 * as in gh; NDJSON streams (sync, export) filtered line by line; an expression jq cannot compile is bad
 * usage (exit 2) before any request is made.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {ensureBuilt, runCli} from '../../helpers/cli.js'

describe('--jq', () => {
  let emu: RunningEmulator
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 1, latencyMs: 0, rateLimit: null})
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-jq-'))
    const login = await emu.admin.demoCredential()
    env = {
      BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_TOKEN: login.token, BB_INTEGRATE_EMAIL: login.email,
      BB_INTEGRATE_URL: emu.apiBase, BB_INTEGRATE_PROVIDER: 'cloud', BB_INTEGRATE_STORE: path.join(dir, 'store.db'),
    }
  }, 180_000)
  afterAll(async () => {
    await emu?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('filters a command\'s --json value (and implies --json): one raw line per result', async () => {
    const json = await runCli(['repos', 'list', '--json'], {env})
    expect(json.code, json.stderr).toBe(0)
    const repos = JSON.parse(json.stdout) as Array<{key: string}>
    expect(repos.length).toBeGreaterThan(0)
    const keys = await runCli(['repos', 'list', '--jq', '.[].key'], {env})
    expect(keys.code, keys.stderr).toBe(0)
    expect(keys.stdout).toBe(repos.map((r) => r.key).join('\n') + '\n')
    const count = await runCli(['repos', 'list', '--json', '--jq=length'], {env})
    expect(count.stdout).toBe(`${repos.length}\n`)
    const objects = await runCli(['repos', 'list', '--jq', '.[0] | {key}'], {env})
    expect(objects.stdout).toBe(`${JSON.stringify({key: repos[0]!.key})}\n`)
  }, 60_000)

  it('sync and export: NDJSON filtered line by line', async () => {
    const sync = await runCli(['sync', '--jq', 'select(.type == "summary") | .complete'], {env, timeoutMs: 60_000})
    expect(sync.code, sync.stderr).toBe(0)
    expect(sync.stdout).toBe('true\n')
    const all = await runCli(['export', '--entity', 'pullRequest'], {env})
    const lines = all.stdout.trim().split('\n')
    const ids = await runCli(['export', '--entity', 'pullRequest', '--jq', '.entity'], {env})
    expect(ids.code, ids.stderr).toBe(0)
    expect(ids.stdout).toBe(lines.map(() => 'pullRequest').join('\n') + '\n')
  }, 90_000)

  it('an expression jq cannot compile: exit 2 naming it, before any request', async () => {
    const r = await runCli(['repos', 'list', '--jq', '.[] |'], {env: {...env, BB_INTEGRATE_DEBUG: 'http'}})
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/"code": "bad_jq"/)
    expect(r.stdout).toContain('--jq \\".[] |\\" failed: syntax error')
    expect(r.stderr).not.toMatch(/^\* request/m)
  }, 30_000)
})
