/**
 * The built CLI against the emulator on loopback: ensure → list → test → delete, Cloud and Data Center,
 * with a receiver on 127.0.0.1 that checks the HMAC signature. The secret appears in no output and not
 * in the config file.
 */
import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {readFileSync} from 'node:fs'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'
import {setupFixture, type Fixture} from '../../core/validate/fixture.js'
import {readWebhookSecret} from '../../../src/core/webhooks/secret.js'

let fx: Fixture | undefined
let receiver: Server | undefined
afterEach(async () => {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)))
  await fx?.close()
  fx = undefined
  receiver = undefined
})
beforeAll(() => ensureBuilt(), 180_000)

const cli = (f: Fixture, args: string[]) => runCli(['webhooks', ...args], {env: {BB_INTEGRATE_CONFIG_DIR: f.dir}, timeoutMs: 30_000})

/** Answers 200 to a delivery whose X-Hub-Signature matches `secret()`, 401 otherwise; records event keys. */
async function startReceiver(secret: () => string | null): Promise<{url: string; seen: Array<{event: string; valid: boolean}>}> {
  const seen: Array<{event: string; valid: boolean}> = []
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const key = secret()
      const expected = key ? Buffer.from(`sha256=${createHmac('sha256', key).update(Buffer.concat(chunks)).digest('hex')}`) : null
      const got = Buffer.from(String(req.headers['x-hub-signature'] ?? ''))
      const valid = expected !== null && got.length === expected.length && timingSafeEqual(got, expected)
      seen.push({event: String(req.headers['x-event-key'] ?? ''), valid})
      res.writeHead(valid ? 200 : 401).end()
    })
  })
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, seen}
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`bb-integrate webhooks (built CLI, ${flavor})`, () => {
    it('ensure, a second ensure that only keeps, list, test with a signed delivery, delete', async () => {
      fx = await setupFixture({flavor, fileStore: true, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      let secret: string | null = null
      const rx = await startReceiver(() => secret)
      const outputs: string[] = []

      const first = await cli(fx, ['ensure', '--url', rx.url, '--scope', 'repo', '--json'])
      outputs.push(first.stdout, first.stderr)
      expect(first.code).toBe(0)
      const created = JSON.parse(first.stdout) as {rows: Array<{target: string; action: string; scope: string}>}
      expect(created.rows.map((r) => [r.target, r.scope, r.action])).toEqual(fx.selection.map((k) => [k, 'repo', 'create']))
      secret = await readWebhookSecret(fx.store, 'default')
      expect(secret).toMatch(/^[0-9a-f]{64}$/)

      fx.emu.admin.resetStats()
      const second = await cli(fx, ['ensure'])
      outputs.push(second.stdout, second.stderr)
      expect(second.code).toBe(0)
      expect(second.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[2])).toEqual(fx.selection.map(() => 'keep'))
      expect(second.stderr).toMatch(/3 keep/)
      expect(Object.keys(fx.emu.stats().byRoute).filter((r) => !r.startsWith('GET'))).toEqual([])

      const list = await cli(fx, ['list', '--json'])
      outputs.push(list.stdout, list.stderr)
      expect(list.code).toBe(0)
      const listed = JSON.parse(list.stdout) as {hooks: Array<{ours: boolean; drift: string[] | null; url: string}>}
      expect(listed.hooks.filter((h) => h.ours).map((h) => [h.url, h.drift])).toEqual(fx.selection.map(() => [rx.url, []]))

      const test = await cli(fx, ['test', '--repo', fx.selection[0]!, '--json'])
      outputs.push(test.stdout, test.stderr)
      expect(test.code).toBe(0)
      const tested = JSON.parse(test.stdout) as {rows: Array<{ok: boolean; status: number; via: string}>}
      expect(tested.rows).toMatchObject([{ok: true, status: 200, via: flavor === 'cloud' ? 'local' : 'server'}])
      expect(rx.seen).toEqual([{event: flavor === 'cloud' ? 'repo:updated' : 'diagnostics:ping', valid: true}])

      const removed = await cli(fx, ['delete', '--json'])
      outputs.push(removed.stdout, removed.stderr)
      expect(removed.code).toBe(0)
      expect(fx.emu.state.hooks.list()).toEqual([])

      for (const text of outputs) expect(text).not.toContain(secret)
      expect(readFileSync(fx.config.path, 'utf8')).not.toContain(secret)
    })

    it('disconnect --remove-webhooks deletes ours (never a foreign hook) and the secret, then forgets the connection', async () => {
      fx = await setupFixture({flavor, fileStore: true, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const ensured = await cli(fx, ['ensure', '--url', 'https://hooks.example.test/bb', '--scope', 'repo'])
      expect(ensured.code).toBe(0)
      const auto = await cli(fx, ['ensure', '--scope', 'auto'])
      expect(auto.code).toBe(0)
      const [r1] = fx.selection as [string]
      fx.emu.state.hooks.add({id: flavor === 'cloud' ? '{f0000000-0000-4000-8000-000000000001}' : '999', scope: {type: 'repository', key: r1},
        url: 'https://ci.example.test/hook', description: 'CI', events: [flavor === 'cloud' ? 'repo:push' : 'repo:refs_changed'], active: true,
        secret: null, createdAt: new Date().toISOString(), extra: {}})
      expect(fx.emu.state.hooks.list().filter((h) => h.description === 'bb-integrate:default')).toHaveLength(1)
      expect(await readWebhookSecret(fx.store, 'default')).not.toBeNull()

      const r = await runCli(['disconnect', '--remove-webhooks', '--json'], {env: {BB_INTEGRATE_CONFIG_DIR: fx.dir}, timeoutMs: 30_000})
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({connection: 'default', webhooks: {requested: true, removed: 1, status: 'removed'}})
      expect(fx.emu.state.hooks.list().map((h) => h.description)).toEqual(['CI'])
      expect(await readWebhookSecret(fx.store, 'default')).toBeNull()
      expect(fx.config.getConnection('default')).toBeUndefined()
    })

    it('an unknown event is bad usage (exit 2) and sends nothing', async () => {
      fx = await setupFixture({flavor, fileStore: true})
      const r = await cli(fx, ['ensure', '--url', 'https://hooks.example.test/x', '--events', 'no:such_event', '--json'])
      expect(r.code).toBe(2)
      expect(JSON.parse(r.stdout)).toMatchObject({error: {code: 'unknown_event'}})
      expect(fx.emu.state.hooks.list()).toEqual([])
    })
  })
}
