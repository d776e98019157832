/**
 * The connect wizard in a real terminal (tmux): arrow keys, typing, a masked token, and Ctrl-C.
 * Needs: tmux.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {BIN, ROOT, baseEnv, ensureBuilt} from '../../helpers/cli.js'
import {Tmux} from '../../helpers/tmux.js'

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!hasTmux)('connect wizard in a real terminal (tmux)', () => {
  let emu: RunningEmulator
  let dir: string
  let term: Tmux | undefined
  const dirs: string[] = []

  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny'})
  })
  afterAll(async () => {
    await emu?.close()
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })
  afterEach(async () => {
    await term?.kill()
    term = undefined
  })

  async function start(args: string[], env: Record<string, string> = {}): Promise<Tmux> {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-tty-'))
    dirs.push(dir)
    const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
    term = await Tmux.start(quoted, {width: 120, height: 40, cwd: ROOT, env: baseEnv({BB_INTEGRATE_CONFIG_DIR: dir, ...env})})
    return term
  }

  it('walks provider → method → e-mail → masked token and connects', async () => {
    const token = await emu.admin.createToken({kind: 'api-token'})
    const t = await start(['connect', '--url', emu.apiBase, '--allow-insecure-store'])
    await t.waitForText('Which Bitbucket?', 20_000)
    await t.sendKeys('Enter')
    await t.waitForText('How do you want to sign in?')
    await t.sendKeys('Enter')
    await t.waitForText('? Atlassian account e-mail')
    await t.type('mei.mensah')
    await t.sendKeys('Enter')
    await t.waitForText('not the Bitbucket username')
    await t.sendKeys('C-u')
    await t.type(token.login as string)
    await t.sendKeys('Enter')
    await t.waitForText('✔ Atlassian account e-mail')
    await t.waitForText('? API token')
    // The prompt renders a moment before it reads keys.
    await new Promise((r) => setTimeout(r, 300))
    await t.type(token.secret)
    await t.sendKeys('Enter')
    expect(await t.waitForExit(30_000)).toBe(0)
    const screen = await t.capture({history: true})
    expect(screen).toMatch(/Connected default\/1 \(cloud, api-token\) as Mei Mensah/)
    expect(screen).toContain('read-only sync: read:user:bitbucket read:workspace:bitbucket read:repository:bitbucket read:pullrequest:bitbucket')
    expect(screen).not.toContain(token.secret)
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))
    expect(config.connections.default.credentials[0].email).toBe(token.login)
  })

  it('no keychain: offers the 0600 file before any secret is asked; a rejected token asks again', async () => {
    const token = await emu.admin.createToken({kind: 'api-token'})
    // No D-Bus session here: the keychain cannot be reached (the check is bounded by the timeout).
    const t = await start(['connect', '--url', emu.apiBase], {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS: '3000'})
    let screen = await t.waitForText('Store the secret in that plain file?', 20_000)
    expect(screen).toContain('The OS keychain cannot be used')
    expect(screen).toContain(`${dir}/secrets.json instead: a plain file with mode 0600`)
    expect(screen).not.toContain('Which Bitbucket?')
    await t.type('y')
    await t.sendKeys('Enter')
    await t.waitForText('Which Bitbucket?')
    await t.sendKeys('Enter')
    await t.waitForText('How do you want to sign in?')
    await t.sendKeys('Enter')
    await t.waitForText('? Atlassian account e-mail')
    await t.type(token.login as string)
    await t.sendKeys('Enter')
    await t.waitForText('? API token')
    await new Promise((r) => setTimeout(r, 300))
    await t.type('not-the-right-token-0000')
    await t.sendKeys('Enter')
    screen = await t.waitForText(/Try again \(attempt 2 of 3\)/, 30_000)
    await t.waitForText(/Try again[\s\S]*\? API token/)
    await new Promise((r) => setTimeout(r, 300))
    await t.type(token.secret)
    await t.sendKeys('Enter')
    expect(await t.waitForExit(30_000)).toBe(0)
    screen = await t.capture({history: true})
    expect(screen).toMatch(/Connected default\/1 \(cloud, api-token\) as Mei Mensah; secret in plain file/)
    expect(screen).not.toContain(token.secret)
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).connections.default.credentials[0].store).toBe('file')
  })

  it('no keychain and the file refused: exits before asking for anything, nothing written', async () => {
    const t = await start(['connect', '--url', emu.apiBase], {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', BB_INTEGRATE_KEYCHAIN_TIMEOUT_MS: '3000'})
    await t.waitForText('Store the secret in that plain file?', 20_000)
    await t.type('n')
    await t.sendKeys('Enter')
    expect(await t.waitForExit(15_000)).not.toBe(0)
    const screen = await t.capture({history: true})
    expect(screen).toMatch(/OS keychain not reachable/)
    expect(screen).not.toContain('Which Bitbucket?')
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false)
  })

  it('Ctrl-C in the wizard exits 4 and writes nothing', async () => {
    const t = await start(['connect', '--allow-insecure-store'])
    await t.waitForText('Which Bitbucket?', 20_000)
    await t.sendKeys('Down', 'Enter')
    await t.waitForText('Server URL')
    await t.sendKeys('C-c')
    expect(await t.waitForExit(15_000)).toBe(4)
    expect(await t.capture({history: true})).toMatch(/cancelled; nothing was stored/)
    expect(existsSync(path.join(dir, 'config.json')) ? JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).connections ?? {} : {}).toEqual({})
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false)
  })
})
