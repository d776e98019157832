/**
 * The real OS keychain: gnome-keyring's Secret Service on a private D-Bus session (see
 * run-with-keyring.sh). Every CLI call is a new process in a new D-Bus session over the same keyring
 * files, so a secret found later was really persisted by the keychain, not held in memory.
 * Needs: dbus (dbus-run-session), gnome-keyring; libsecret-tools (secret-tool) for an independent read-back.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {ensureBuilt, runCli, type CliResult} from '../../helpers/cli.js'
import {findSecrets} from '../../commands/connect/secret-scan.js'

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-with-keyring.sh')

function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

const ready = have('dbus-run-session') && have('gnome-keyring-daemon')
const hasSecretTool = have('secret-tool')

describe.skipIf(!ready)('real keychain (gnome-keyring over D-Bus) through the built CLI', () => {
  let emu: RunningEmulator
  let keyringHome: string
  let configDir: string
  const outputs: Record<string, string> = {}

  beforeAll(async () => {
    ensureBuilt()
    emu = await startEmulator({flavor: 'cloud', dataset: 'tiny'})
    keyringHome = mkdtempSync(path.join(tmpdir(), 'bbi-keyring-'))
    configDir = mkdtempSync(path.join(tmpdir(), 'bbi-kc-config-'))
  })
  afterAll(async () => {
    await emu?.close()
    rmSync(keyringHome, {recursive: true, force: true})
    rmSync(configDir, {recursive: true, force: true})
  })

  async function cli(args: string[], stdin?: string): Promise<CliResult> {
    const r = await runCli(args, {stdin, wrapper: [SCRIPT], env: {KEYRING_HOME: keyringHome, BB_INTEGRATE_CONFIG_DIR: configDir}, timeoutMs: 60_000})
    outputs[`${args.join(' ')} stdout`] = r.stdout
    outputs[`${args.join(' ')} stderr`] = r.stderr
    return r
  }

  /**
   * What the Secret Service holds for bb-integrate as "account=secret" lines, read in its own session:
   * with secret-tool (libsecret, independent of our binding) when installed, else with @napi-rs/keyring.
   */
  function keyring(): string {
    const script = hasSecretTool
      ? `secret-tool search --all service bb-integrate 2>&1 | awk -F' = ' '/^secret = /{s=$2} /^attribute.username = /{print $2"="s}' || true`
      : `${JSON.stringify(process.execPath)} -e "import('@napi-rs/keyring').then(async (k) => { for (const a of ['default/1', 'default/2', 'default/3']) { const p = await new k.AsyncEntry('bb-integrate', a, {linux: {store: 'secret-service'}}).getPassword(); if (p) console.log(a + '=' + p) } })"`
    return execFileSync(SCRIPT, ['sh', '-c', script], {
      cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..'),
      env: {PATH: process.env.PATH, KEYRING_HOME: keyringHome},
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  }

  it('stores, reads, rotates (--add) and deletes a secret in the OS keychain', async () => {
    const one = await emu.admin.createToken({kind: 'api-token'})
    // A second principal: --add of another token of the same user is refused (it adds no budget).
    const two = await emu.admin.createToken({kind: 'api-token', user: emu.world.users()[1]!.uuid})
    const base = ['connect', '--provider', 'cloud', '--url', emu.apiBase, '--auth', 'api-token', '--email', one.login as string, '--token-stdin']

    const connected = await cli([...base, '--json'], one.secret)
    expect(connected.stderr).not.toMatch(/plain file/)
    expect(connected.code).toBe(0)
    expect(JSON.parse(connected.stdout).credential.store).toBe('keychain')
    expect(existsSync(path.join(configDir, 'secrets.json'))).toBe(false)
    expect(readFileSync(path.join(configDir, 'config.json'), 'utf8')).not.toContain(one.secret)
    let held = keyring()
    expect(held).toMatch(new RegExp(`^default/1=.*${one.secret}`, 'm'))

    // A new process and D-Bus session reads it back and uses it.
    const check = await cli(['auth', 'status', '--check', '--json'])
    expect(check.code).toBe(0)
    expect(JSON.parse(check.stdout).connections[0].credentials[0]).toMatchObject({store: 'keychain', check: {status: 'ok'}})

    const added = await cli(['connect', '--add', '--auth', 'api-token', '--email', two.login as string, '--token-stdin'], two.secret)
    expect(added.code).toBe(0)
    held = keyring()
    expect(held).toMatch(new RegExp(`^default/1=.*${one.secret}`, 'm'))
    expect(held).toMatch(new RegExp(`^default/2=.*${two.secret}`, 'm'))
    const both = await cli(['auth', 'status', '--check', '--json'])
    expect(both.code).toBe(0)
    expect(JSON.parse(both.stdout).connections[0].credentials.map((c: {check: {status: string}}) => c.check.status)).toEqual(['ok', 'ok'])

    const gone = await cli(['disconnect', '--json'])
    expect(gone.code).toBe(0)
    expect(JSON.parse(gone.stdout).removedSecrets).toEqual(['default/1', 'default/2'])
    expect(keyring().trim()).toBe('')
    expect(JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')).connections).toEqual({})

    expect(findSecrets([one.secret, two.secret], outputs, [configDir])).toEqual([])
  })
})
