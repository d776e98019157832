/**
 * `webhooks listen --public-url … --ensure --ephemeral` (the built CLI, Cloud emulator): the listener
 * registers our hooks at its public address before it listens, a change made on the emulator reaches the
 * store through them with no sync, and on SIGINT it removes the hooks it created and exits 0.
 */
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FileStore} from '../../../src/core/auth/file-store.js'
import {readWebhookSecret} from '../../../src/core/webhooks/secret.js'

import {ensureBuilt, runCli, startCli} from '../../helpers/cli.js'
import {freePort} from '../../helpers/net.js'
import {CONNECTION, startSyncRig} from '../../core/sync/emulator-rig.js'
import type {SyncRig} from '../../core/sync/emulator-rig.js'

type Line = {type: string; [k: string]: unknown}
const lines = (text: string): Line[] => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line)

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('cloud: webhooks listen --public-url --ensure --ephemeral (built CLI)', () => {
  let rig: SyncRig
  let env: Record<string, string>

  beforeAll(async () => {
    ensureBuilt()
    rig = await startSyncRig('cloud', 'tiny', {webhooks: {retryDelayMs: 10}})
    env = {BB_INTEGRATE_CONFIG_DIR: rig.dir, BB_INTEGRATE_STORE: rig.storePath, CI: '1'}
    const token = await rig.emu.admin.createToken({kind: 'api-token'})
    const connected = await runCli(['connect', '--provider', 'cloud', '--url', rig.emu.apiBase, '--oauth-url', rig.emu.url, '--auth', 'api-token',
      '--email', token.login as string, '--token-stdin', '--allow-insecure-store', '--json'], {stdin: token.secret, env, timeoutMs: 60_000})
    expect(connected.code, connected.stderr).toBe(0)
    const synced = await runCli(['sync', '--json'], {env, timeoutMs: 90_000})
    expect(synced.code, synced.stderr).toBe(0)
  }, 180_000)
  afterAll(async () => {
    await rig?.close()
  })

  const ours = () => rig.emu.state.hooks.list().filter((h) => h.description === `bb-integrate:${CONNECTION}`)

  it('--ensure without --public-url is bad usage (exit 2)', async () => {
    const r = await runCli(['webhooks', 'listen', '--ensure', '--port', '0'], {env, timeoutMs: 30_000})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--ensure needs --public-url')
  })

  it('registers its hooks, applies a change through them, removes them on SIGINT', async () => {
    const port = await freePort()
    const publicUrl = `http://127.0.0.1:${port}/bb`
    const cli = startCli(['webhooks', 'listen', '--port', String(port), '--path', '/bb', '--public-url', publicUrl, '--ensure', '--ephemeral', '--json'], {env, timeoutMs: 180_000})
    await until('ready', () => lines(cli.stdout()).some((l) => l.type === 'ready')).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`)
    })
    expect(ours().length).toBeGreaterThan(0)
    expect(ours().every((h) => h.url === publicUrl && h.secret)).toBe(true)
    const repo = [...rig.emu.world.truth('cloud', 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
    await rig.emu.admin.mutate({type: 'pr.create', repo, title: 'Through an ensured hook'}, {wait: true})
    await until('applied', () => lines(cli.stdout()).some((l) => l.type === 'applied'))
    const exported = await runCli(['export', '--entity', 'pullRequest'], {env, timeoutMs: 60_000})
    expect(exported.stdout).toContain('Through an ensured hook')

    cli.child.kill('SIGINT')
    const done = await cli.result
    expect(done.code, done.stderr).toBe(0)
    expect(ours()).toEqual([])
    const secret = await readWebhookSecret(new FileStore({path: join(rig.dir, 'secrets.json'), warn: () => undefined}), CONNECTION)
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    expect(done.stdout + done.stderr).not.toContain(secret!)
  }, 240_000)
})
