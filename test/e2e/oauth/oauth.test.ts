/**
 * OAuth 2.0 end to end: the built CLI, the emulator's authorize/consent/token endpoints, and real
 * headless Chromium (BROWSER=headless-browser.sh) following the redirect to the CLI's loopback server.
 * Needs: chromium (/usr/bin/chromium).
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {ensureBuilt, runCli, startCli, type CliResult} from '../../helpers/cli.js'
import {findSecrets} from '../../commands/connect/secret-scan.js'
import {freePort, portIsFree} from '../../helpers/net.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const CHROMIUM_BROWSER = path.join(HERE, 'headless-browser.sh')
const FORGING_BROWSER = path.join(HERE, 'forge-state-browser.mjs')
const FORGE_THEN_LOGIN_BROWSER = path.join(HERE, 'forge-then-login-browser.sh')
const chromium = existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!existsSync(file) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
}

describe('connect --auth oauth (built CLI, emulator, loopback)', () => {
  let emu: RunningEmulator
  let dir: string
  const dirs: string[] = []
  const outputs: Record<string, string> = {}
  const secrets: string[] = []

  beforeAll(async () => {
    ensureBuilt()
    // Access tokens that live 30 s: inside the 60 s refresh margin, so the next use refreshes.
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', accessTokenTtlSec: 30})
  })
  afterAll(async () => {
    await emu?.close()
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-oauth-'))
    dirs.push(dir)
  })

  async function consumer(port: number) {
    const c = await emu.admin.createToken({kind: 'oauth-consumer', callbackUrl: `http://127.0.0.1:${port}/callback`, scopes: ['account', 'pullrequest']})
    secrets.push(c.secret)
    return c
  }

  function connectArgs(clientId: string, port: number, extra: string[] = []): string[] {
    return ['connect', '--provider', 'cloud', '--url', emu.apiBase, '--oauth-url', emu.url, '--auth', 'oauth', '--client-id', clientId,
      '--client-secret-stdin', '--callback-port', String(port), '--allow-insecure-store', ...extra]
  }

  function record(name: string, r: CliResult): CliResult {
    outputs[`${name} stdout`] = r.stdout
    outputs[`${name} stderr`] = r.stderr
    return r
  }

  function nothingWritten(): void {
    const file = path.join(dir, 'config.json')
    expect(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).connections ?? {} : {}).toEqual({})
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false)
  }

  function storedSecret(): {accessToken: string; refreshToken: string; expiresAt: number} {
    return JSON.parse(JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).secrets['default/1'])
  }

  it.skipIf(!chromium)('logs in through real headless Chromium, then refreshes with rotation on later use', async () => {
    const port = await freePort()
    const c = await consumer(port)
    const page = path.join(dir, 'browser-page.html')
    const r = record('login', await runCli(connectArgs(c.key as string, port, ['--json']), {
      stdin: c.secret,
      env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: CHROMIUM_BROWSER, BBI_BROWSER_OUT: page},
      timeoutMs: 90_000,
    }))
    expect(r.stderr).toContain(`Open this URL to authorize bb-integrate:\n  ${emu.url}/site/oauth2/authorize?`)
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.credential).toMatchObject({kind: 'oauth', principal: `oauth-consumer:${c.key}`, scopes: ['account', 'pullrequest']})
    expect(json.credential.identity.id).toBe(emu.world.users()[0]!.uuid)
    // Chromium really rendered the loopback's success page. The CLI does not wait for its browser: the
    // dump lands when Chromium's virtual-time budget ends, which can be after the CLI has exited.
    await waitForFile(page, 60_000)
    expect(readFileSync(page, 'utf8')).toContain('<h1 id="result">Logged in</h1>')
    expect(await portIsFree(port)).toBe(true)

    const first = storedSecret()
    secrets.push(first.accessToken, first.refreshToken)
    expect(first.refreshToken).toBeTruthy()
    const configText = readFileSync(path.join(dir, 'config.json'), 'utf8')
    expect(JSON.parse(configText).connections.default.credentials[0].expiresAt).toBe(first.expiresAt)

    // A later run: the access token is within the refresh margin → refreshed, rotated pair persisted.
    const check = record('check 1', await runCli(['auth', 'status', '--check', '--json'], {env: {BB_INTEGRATE_CONFIG_DIR: dir}}))
    expect(check.code).toBe(0)
    const second = storedSecret()
    secrets.push(second.accessToken, second.refreshToken)
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.accessToken).not.toBe(first.accessToken)
    const rotated = emu.state.credentials.tokensOf(c.id).find((t) => t.token === first.refreshToken)
    expect(rotated?.rotatedAt).not.toBeNull()
    // The persisted refresh token is the live one: the next run refreshes with it.
    const again = record('check 2', await runCli(['auth', 'status', '--check', '--json'], {env: {BB_INTEGRATE_CONFIG_DIR: dir}}))
    expect(again.code).toBe(0)
    expect(storedSecret().refreshToken).not.toBe(second.refreshToken)
    secrets.push(storedSecret().accessToken, storedSecret().refreshToken)
  })

  it('callback port in use: exit 2 naming the port and --callback-port, nothing written', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as {port: number}).port
    try {
      const c = await consumer(port)
      const r = record('port', await runCli(connectArgs(c.key as string, port), {stdin: c.secret, env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: '/bin/true'}}))
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`127.0.0.1:${port}`)
      expect(r.stderr).toContain('--callback-port')
      nothingWritten()
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()))
    }
  })

  it('browser never returns: times out with a clear message (exit 3), server closed, nothing written', async () => {
    const port = await freePort()
    const c = await consumer(port)
    const r = record('timeout', await runCli(connectArgs(c.key as string, port, ['--oauth-timeout', '2']), {stdin: c.secret, env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: '/bin/true'}}))
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`Timed out after 2 s waiting for the browser to return to http://127.0.0.1:${port}/callback`)
    expect(await portIsFree(port)).toBe(true)
    nothingWritten()
  })

  it('forged state on the callback: answered 400 and ignored; the login waits until its timeout (exit 3), nothing written', async () => {
    const port = await freePort()
    const c = await consumer(port)
    const forged = path.join(dir, 'forged-status')
    const r = record('state', await runCli(connectArgs(c.key as string, port, ['--oauth-timeout', '3']), {
      stdin: c.secret, env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: FORGING_BROWSER, BBI_FORGE_OUT: forged},
    }))
    expect(readFileSync(forged, 'utf8')).toBe('400')
    expect(r.stderr).toMatch(/Ignored a callback without this login's state \(answered 400\); still waiting/)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('Timed out after 3 s waiting for the browser')
    expect(await portIsFree(port)).toBe(true)
    nothingWritten()
  })

  it.skipIf(!chromium)('a forged callback first, then the real login in Chromium: the login completes', async () => {
    const port = await freePort()
    const c = await consumer(port)
    const forged = path.join(dir, 'forged-status')
    const r = record('forged-then-login', await runCli(connectArgs(c.key as string, port, ['--json']), {
      stdin: c.secret,
      env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: FORGE_THEN_LOGIN_BROWSER, BBI_FORGE_OUT: forged},
      timeoutMs: 90_000,
    }))
    expect(readFileSync(forged, 'utf8')).toBe('400')
    expect(r.stderr).toMatch(/Ignored a callback without this login's state/)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).credential).toMatchObject({kind: 'oauth', principal: `oauth-consumer:${c.key}`})
    const stored = storedSecret()
    secrets.push(stored.accessToken, stored.refreshToken)
  })

  it('Ctrl-C while waiting for the browser: exit 4, server closed, nothing written', async () => {
    const port = await freePort()
    const c = await consumer(port)
    const running = startCli(connectArgs(c.key as string, port), {stdin: c.secret, env: {BB_INTEGRATE_CONFIG_DIR: dir, BROWSER: '/bin/true'}})
    await running.waitForStderr('Waiting for the browser login')
    running.child.kill('SIGINT')
    const r = record('sigint', await running.result)
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/cancelled/)
    expect(await portIsFree(port)).toBe(true)
    nothingWritten()
  })

  it('no secret (client secret, access or refresh token) in any output or config file', () => {
    expect(Object.keys(outputs).length).toBeGreaterThanOrEqual(8)
    const allowed = dirs.map((d) => path.join(d, 'secrets.json'))
    expect(findSecrets(secrets, outputs, dirs, allowed)).toEqual([])
  })
})
