/**
 * The connect wizard in a real terminal (tmux): arrow keys, typing, a masked token, and Ctrl-C.
 * Needs: tmux.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../emulator/index.js'
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

  async function start(args: string[]): Promise<Tmux> {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-tty-'))
    dirs.push(dir)
    const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
    term = await Tmux.start(quoted, {width: 120, height: 40, cwd: ROOT, env: baseEnv({BB_INTEGRATE_CONFIG_DIR: dir})})
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
