/**
 * connect mistakes (issue 11, item 8): the same credential added twice is refused; a URL carrying
 * credentials and a token typed into --email are refused without being echoed.
 */
import {randomBytes} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {ensureBuilt, runCli} from '../../helpers/cli.js'

let emu: RunningEmulator
let dir: string
beforeAll(async () => {
  ensureBuilt()
  emu = await startEmulator({flavor: 'datacenter', dataset: 'tiny'})
  dir = mkdtempSync(path.join(tmpdir(), 'bbi-connect-mistakes-'))
}, 60_000)
afterAll(async () => {
  await emu?.close()
  rmSync(dir, {recursive: true, force: true})
})

const cli = (args: string[], stdin?: string) => runCli(args, {timeoutMs: 45_000, stdin, env: {BB_INTEGRATE_CONFIG_DIR: dir}})
const credentials = (): unknown[] => (JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {connections: Record<string, {credentials: unknown[]}>}).connections.dc!.credentials

describe('connect refuses mistakes without echoing secrets', () => {
  it('--add of a credential already on the connection is refused and changes nothing', async () => {
    const token = await emu.admin.createToken({kind: 'pat'})
    const base = ['connect', '--provider', 'datacenter', '--url', emu.apiBase, '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--name', 'dc']
    expect((await cli(base, token.secret)).code).toBe(0)
    const again = await cli(['connect', '--name', 'dc', '--add', '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--json'], token.secret)
    expect(again.code).toBe(2)
    expect(JSON.parse(again.stdout)).toMatchObject({error: {code: 'credential_exists'}})
    expect(again.stdout + again.stderr).not.toContain(token.secret)
    expect(credentials()).toHaveLength(1)
    // The plain-file warning: at most once per command, however often the secret is read.
    for (const args of [['auth', 'status', '--check'], ['repos', 'list'], ['sync', '--repo', `${emu.world.containers()[0]!.key}/${emu.world.repos(emu.world.containers()[0]!.key)[0]!.slug}`]]) {
      const r = await runCli(args, {timeoutMs: 60_000, env: {BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_CONNECTION: 'dc'}})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(r.stderr.split('secrets stored in plain file').length - 1, args.join(' ')).toBeLessThanOrEqual(1)
    }
  }, 150_000)

  it('a URL with embedded credentials is refused and its password never printed', async () => {
    const url = emu.apiBase.replace('://', '://jane:Sup3rSecretPw@')
    const r = await cli(['connect', '--provider', 'datacenter', '--url', url, '--auth', 'pat', '--token-stdin', '--allow-insecure-store', '--name', 'x'], 'tok')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/must not carry a user name or password/)
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw')
  }, 60_000)

  it('a token typed into --email is refused and never printed', async () => {
    // Shaped like an Atlassian API token (prefix + opaque part), generated so no token-like literal is committed.
    const pasted = `ATATT${randomBytes(16).toString('hex')}`
    const r = await cli(['connect', '--provider', 'cloud', '--url', 'http://127.0.0.1:9/2.0', '--auth', 'api-token', '--email', pasted, '--token-stdin', '--name', 'c'], 'tok')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not an e-mail address/)
    expect(r.stdout + r.stderr).not.toContain(pasted)
  }, 60_000)
})
