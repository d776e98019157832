import {createServer} from 'node:net'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'
import {setupFixture, type Fixture} from '../../core/validate/fixture.js'

let fx: Fixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})
beforeAll(() => ensureBuilt(), 180_000)

const cli = (f: Fixture, args: string[], env: Record<string, string> = {}) =>
  runCli(['validate', ...args], {env: {BB_INTEGRATE_CONFIG_DIR: f.dir, ...env}, timeoutMs: 30_000})

interface Json {
  ok: boolean
  checks: Array<{id: string; title: string; status: string; detail: string; remedy: string | null}>
}

describe('bb-integrate validate (built CLI)', () => {
  it('all good: exit 0, plain lines on stdout without a TTY, JSON contract with --json', async () => {
    fx = await setupFixture({fileStore: true})
    const plain = await cli(fx, [])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toMatch(/^PASS config: /m)
    expect(plain.stdout).toMatch(/^SKIP webhooks: webhooks not configured yet$/m)
    expect(plain.stdout).toMatch(/^validate OK: /m)

    const t0 = Date.now()
    const json = await cli(fx, ['--json'])
    const wall = Date.now() - t0
    expect(json.code).toBe(0)
    const body = JSON.parse(json.stdout) as Json & {durationMs: number}
    process.stderr.write(`validate-cli wall ${wall} ms (process start included), checks ${body.durationMs} ms\n`)
    expect(body.ok).toBe(true)
    for (const c of body.checks) {
      expect(Object.keys(c).sort()).toEqual(['detail', 'id', 'remedy', 'status', 'title'])
      expect(['pass', 'warn', 'fail', 'skip']).toContain(c.status)
    }
    // Secrets in the plain file, not the keychain: that row is an honest skip.
    expect(body.checks.find((c) => c.id === 'keychain')?.status).toBe('skip')
  })

  it('a deleted selected repo: exit 1 with its row', async () => {
    fx = await setupFixture({fileStore: true})
    const gone = fx.selection[0] as string
    await fx.emu.admin.mutate({type: 'repo.delete', repo: gone})
    const r = await cli(fx, ['--json'])
    expect(r.code).toBe(1)
    const body = JSON.parse(r.stdout) as Json
    expect(body.ok).toBe(false)
    expect(body.checks.find((c) => c.id === `repo:${gone}`)).toMatchObject({status: 'fail'})
  })

  it('auth failure (username instead of e-mail) still exits 1 with the full report, not 3', async () => {
    fx = await setupFixture({fileStore: true, email: (u) => u.name})
    const r = await cli(fx, ['--json'])
    expect(r.code).toBe(1)
    const body = JSON.parse(r.stdout) as Json
    expect(body.checks.find((c) => c.id === 'credential:1')?.detail).toMatch(/e-mail/)
    expect(body.checks.length).toBeGreaterThan(8)
  })

  it('host down: exit 1 within seconds', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as {port: number}
    await new Promise<void>((resolve) => server.close(() => resolve()))
    fx = await setupFixture({fileStore: true, url: () => `http://127.0.0.1:${port}/2.0`})
    const t0 = Date.now()
    const r = await cli(fx, [])
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^FAIL reachability: TCP connect failed: .*ECONNREFUSED/m)
  })

  it('an empty selection means what sync does with it (every visible repository): no warning, --strict passes', async () => {
    fx = await setupFixture({fileStore: true, select: 0})
    const lax = await cli(fx, [])
    expect(lax.stdout).toMatch(/^PASS repos: No repositories selected: `sync` syncs every repository this credential can see/m)
    expect(lax.stdout).not.toMatch(/^WARN/m)
    expect(lax.code).toBe(0)
    const strict = await cli(fx, ['--strict'])
    expect(strict.code).toBe(0)
  })

  it('no connection at all: exit 1 and a config row naming `connect`', async () => {
    fx = await setupFixture({fileStore: true})
    const r = await cli(fx, ['--json', '--connection', 'nope'])
    expect(r.code).toBe(1)
    const body = JSON.parse(r.stdout) as Json
    expect(body.checks[0]).toMatchObject({id: 'config', status: 'fail'})
    expect(body.checks[0]?.remedy).toMatch(/bb-integrate connect/)
  })
})
