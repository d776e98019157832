/**
 * The live view of `webhooks listen` as a person sees it: the built CLI in a real terminal (tmux),
 * a change on the emulator delivered to it, the counters moving, Ctrl-C finishing and exiting 0.
 */
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FileStore} from '../../../src/core/auth/file-store.js'
import {ensureWebhookSecret} from '../../../src/core/webhooks/secret.js'
import {baseEnv, ensureBuilt, ROOT, runCli} from '../../helpers/cli.js'
import {freePort} from '../../helpers/net.js'
import {Tmux} from '../../helpers/tmux.js'
import {CONNECTION, startSyncRig} from '../../core/sync/emulator-rig.js'
import type {SyncRig} from '../../core/sync/emulator-rig.js'

describe('webhooks listen live view in a real terminal (tmux)', () => {
  let rig: SyncRig
  let t: Tmux | null = null
  let env: Record<string, string>
  let secret = ''

  beforeAll(async () => {
    ensureBuilt()
    rig = await startSyncRig('cloud', 'tiny', {webhooks: {retryDelayMs: 10}})
    env = {BB_INTEGRATE_CONFIG_DIR: rig.dir, BB_INTEGRATE_STORE: rig.storePath, BB_INTEGRATE_RATE_LIMIT: '100000'}
    const token = await rig.emu.admin.createToken({kind: 'api-token'})
    const connected = await runCli(['connect', '--provider', 'cloud', '--url', rig.emu.apiBase, '--oauth-url', rig.emu.url, '--auth', 'api-token',
      '--email', token.login as string, '--token-stdin', '--allow-insecure-store', '--json'], {stdin: token.secret, env: {...env, CI: '1'}, timeoutMs: 60_000})
    expect(connected.code, connected.stderr).toBe(0)
    secret = (await ensureWebhookSecret(new FileStore({path: join(rig.dir, 'secrets.json'), warn: () => undefined}), CONNECTION)).secret
  }, 120_000)
  afterAll(async () => {
    await t?.kill()
    await rig?.close()
  })

  it('shows the address, catches up, counts an applied delivery and a rejected one, and exits 0 on Ctrl-C', async () => {
    const port = await freePort()
    const shellEnv = baseEnv(env)
    delete shellEnv.CI
    t = await Tmux.start(`node ${join(ROOT, 'bin/run.js')} webhooks listen --port ${port}`, {env: shellEnv, width: 110, height: 24, cwd: ROOT})
    await t.waitForText(`http://127.0.0.1:${port}/`, 30_000)
    await t.waitForText(/listening/, 60_000)
    const repo = [...rig.emu.world.truth('cloud', 'pullRequest', CONNECTION)].find((p) => p.state === 'OPEN')!
    rig.emu.state.hooks.add({
      id: '{0e7a0000-0000-4000-8000-00000000e001}', scope: {type: 'repository', key: repo.repo}, url: `http://127.0.0.1:${port}/`,
      description: 'bb-integrate:default', events: ['pullrequest:comment_created'], active: true, secret, createdAt: new Date().toISOString(), extra: {},
    })
    await rig.emu.admin.mutate({type: 'pr.comment', repo: repo.repo, id: repo.id}, {wait: true})
    await fetch(`http://127.0.0.1:${port}/`, {method: 'POST', body: '{}', headers: {'X-Event-Key': 'repo:push'}})
    const screen = await t.waitForText(/events applied: 1/, 30_000)
    expect(screen).toMatch(/1 accepted · 0 duplicate · 1 rejected/)
    expect(screen).toContain('applied pullrequest:comment_created')
    expect(screen).toContain('rejected 401')
    await t.sendKeys('C-c')
    expect(await t.waitForExit(30_000)).toBe(0)
  }, 180_000)
})
