/**
 * gh's auth and repos conventions on the built CLI: `auth token` (the secret on stdout only, never in
 * --json), `auth switch`, `auth logout`, `auth login` (= connect), `repos selected`, `help <command>` and
 * shell completion.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseSecret, secretAccount} from '../../../src/core/auth/secret.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {setupFixture, type Fixture} from '../../core/validate/fixture.js'
import {ensureBuilt, runCli} from '../../helpers/cli.js'

describe('gh conventions', () => {
  let fx: Fixture
  let token: string
  beforeAll(async () => {
    ensureBuilt()
    fx = await setupFixture({fileStore: true, select: 2})
    const secret = parseSecret((await fx.store.get(secretAccount('default', '1'))) as string, 'default/1')
    token = secret.kind === 'oauth' ? secret.accessToken : secret.token
    // A second connection to switch to (same server, same credential).
    fx.config.putConnection({...fx.connection, name: 'work', selection: []})
    await fx.store.set(secretAccount('work', '1'), (await fx.store.get(secretAccount('default', '1'))) as string)
  }, 180_000)
  afterAll(async () => fx?.close())

  const env = () => ({BB_INTEGRATE_CONFIG_DIR: fx.dir})

  it('auth token: the token on stdout and nothing else; no --json; a missing connection exits 2', async () => {
    const r = await runCli(['auth', 'token'], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${token}\n`)
    expect(r.stderr).not.toContain(token)
    const json = await runCli(['auth', 'token', '--json'], {env: env()})
    expect(json.code).toBe(2)
    expect(json.stdout + json.stderr).not.toContain(token)
    const nope = await runCli(['auth', 'token', '--name', 'nope'], {env: env()})
    expect(nope.code).toBe(2)
    expect(nope.stderr).toContain('No connection named "nope"')
    // BB_INTEGRATE_TOKEN is what every command would send: that one.
    const fromEnv = await runCli(['auth', 'token'], {env: {...env(), BB_INTEGRATE_TOKEN: 'env-token-value-123'}})
    expect(fromEnv.stdout).toBe('env-token-value-123\n')
  })

  it('repos selected: one key per line, --json and --jq; no network', async () => {
    const r = await runCli(['repos', 'selected'], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(fx.selection.join('\n') + '\n')
    const json = await runCli(['repos', 'selected', '--json'], {env: env()})
    expect(JSON.parse(json.stdout)).toEqual({connection: 'default', selection: fx.selection})
    const count = await runCli(['repos', 'selected', '--jq', '.selection | length'], {env: env()})
    expect(count.stdout).toBe(`${fx.selection.length}\n`)
    const empty = await runCli(['repos', 'selected', '--connection', 'work'], {env: env()})
    expect(empty.stdout).toBe('')
    expect(empty.stderr).toMatch(/No repositories selected on work: sync takes every repository/)
  })

  it('auth switch: names the new default; with two connections, no name switches to the other; unknown exits 2', async () => {
    const config = new ConfigStore({configDir: fx.dir})
    const r = await runCli(['auth', 'switch', 'work', '--json'], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({defaultConnection: 'work', previous: 'default'})
    expect(config.defaultConnectionName()).toBe('work')
    const back = await runCli(['auth', 'switch'], {env: env()})
    expect(back.code, back.stderr).toBe(0)
    expect(back.stderr).toContain('Default connection: default (was work).')
    expect(config.defaultConnectionName()).toBe('default')
    const nope = await runCli(['auth', 'switch', 'nope'], {env: env()})
    expect(nope.code).toBe(2)
  })

  it('auth logout removes a connection and its secret, as disconnect does', async () => {
    const r = await runCli(['auth', 'logout', '--name', 'work', '--json'], {env: env()})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({connection: 'work'})
    expect(new ConfigStore({configDir: fx.dir}).getConnection('work')).toBeUndefined()
    expect(await fx.store.get(secretAccount('work', '1'))).toBeNull()
  })

  it('auth login is connect; help <command> and shell completion are there', async () => {
    const login = await runCli(['help', 'auth', 'login'], {env: env()})
    expect(login.code).toBe(0)
    expect(login.stdout).toContain('same as `connect`')
    expect(login.stdout).toContain('--token-stdin')
    const help = await runCli(['help', 'sync'], {env: env()})
    expect(help.stdout).toContain('USAGE\n  $ bb-integrate sync')
    expect(help.stdout).toMatch(/--jq=<value>/)
    expect(help.stdout).toMatch(/--no-color/)
    const completion = await runCli(['autocomplete', 'script', 'bash'], {env: {...env(), HOME: fx.dir}})
    expect(completion.code, completion.stderr).toBe(0)
    expect(completion.stdout).toMatch(/bb-integrate/)
  })
})
