/**
 * `webhooks listen` as a user runs it (the built CLI, spawned), against the emulator on 127.0.0.1,
 * Cloud and Data Center: connect, sync, start the listener on a free port, register a hook at its URL,
 * change things on the emulator — with no further sync, `export` equals the truth. Then stop it
 * (SIGINT, exit 0), change more, start again: after its catch-up, `export` equals the truth again.
 */
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FileStore} from '../../../src/core/auth/file-store.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import {ensureWebhookSecret} from '../../../src/core/webhooks/secret.js'
import {ensureBuilt, runCli, startCli} from '../../helpers/cli.js'
import type {RunningCli} from '../../helpers/cli.js'
import {CONNECTION, startSyncRig, truthLines} from '../../core/sync/emulator-rig.js'
import type {SyncRig} from '../../core/sync/emulator-rig.js'

const EVENTS = {
  cloud: ['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:changes_request_created', 'pullrequest:comment_created', 'pullrequest:fulfilled', 'pullrequest:rejected'],
  datacenter: ['repo:refs_changed', 'pr:opened', 'pr:from_ref_updated', 'pr:merged', 'pr:declined', 'pr:reviewer:approved', 'pr:reviewer:needs_work', 'pr:comment:added'],
}

type Line = {type: string; [k: string]: unknown}

function lines(text: string): Line[] {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line)
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.each(['cloud', 'datacenter'] as const)('%s: webhooks listen (built CLI)', (flavor) => {
  let rig: SyncRig
  let env: Record<string, string>
  let secret = ''
  let repo = ''
  let listener: RunningCli | null = null

  beforeAll(async () => {
    ensureBuilt()
    rig = await startSyncRig(flavor, 'tiny', {webhooks: {retryDelayMs: 10}})
    env = {BB_INTEGRATE_CONFIG_DIR: rig.dir, BB_INTEGRATE_STORE: rig.storePath, CI: '1'}
    const token = await rig.emu.admin.createToken({kind: flavor === 'cloud' ? 'api-token' : 'pat'})
    const args = flavor === 'cloud'
      ? ['connect', '--provider', 'cloud', '--url', rig.emu.apiBase, '--oauth-url', rig.emu.url, '--auth', 'api-token', '--email', token.login as string]
      : ['connect', '--provider', 'datacenter', '--url', rig.emu.url, '--auth', 'pat']
    const connected = await runCli([...args, '--token-stdin', '--allow-insecure-store', '--json'], {stdin: token.secret, env, timeoutMs: 60_000})
    expect(connected.code, connected.stderr).toBe(0)
    // Before any `webhooks ensure`: no secret, so nothing could be verified — a clear refusal, no listener.
    const refused = await runCli(['webhooks', 'listen', '--port', '0'], {env, timeoutMs: 30_000})
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('has no webhook secret')
    expect(refused.stderr).toContain('webhooks ensure')
    const badFlag = await runCli(['webhooks', 'listen', '--resync-every', 'soon', '--json'], {env, timeoutMs: 30_000})
    expect(badFlag.code).toBe(2)
    expect(badFlag.stdout).toContain('Invalid --resync-every')
    // What `webhooks ensure` does first: one secret per connection, beside its credentials.
    secret = (await ensureWebhookSecret(new FileStore({path: join(rig.dir, 'secrets.json'), warn: () => undefined}), CONNECTION)).secret
    repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
  }, 120_000)
  afterAll(async () => {
    listener?.child.kill('SIGKILL')
    await rig?.close()
  })

  async function startListening(): Promise<{cli: RunningCli; url: string}> {
    const cli = startCli(['webhooks', 'listen', '--port', '0', '--path', '/bb', '--json'], {env, timeoutMs: 120_000})
    await until('ready', () => lines(cli.stdout()).some((l) => l.type === 'ready'), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`)
    })
    const url = lines(cli.stdout()).find((l) => l.type === 'listening')!.url as string
    return {cli, url}
  }

  async function expectExportEqualsTruth(): Promise<void> {
    const out = await runCli(['export'], {env, timeoutMs: 60_000})
    expect(out.code, out.stderr).toBe(0)
    const rows = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const entity of ENTITY_NAMES) {
      const mine = rows.filter((r) => r.entity === entity).map(({entity: _e, ...rest}) => {
        const x = flavor === 'cloud' && entity === 'commit' ? {...rest, date: String(rest.date).replace(/\.\d{3}Z$/, '.000Z')} : rest
        return JSON.stringify(x, Object.keys(x).sort())
      }).sort()
      expect(mine, entity).toEqual(truthLines(rig, entity))
    }
  }

  const mutate = (m: Parameters<SyncRig['emu']['admin']['mutate']>[0]) => rig.emu.admin.mutate(m, {wait: true})

  it('after a sync, deliveries alone keep export equal to the truth', async () => {
    const synced = await runCli(['sync', '--json'], {env, timeoutMs: 90_000})
    expect(synced.code, synced.stderr).toBe(0)
    const started = await startListening()
    listener = started.cli
    rig.emu.state.hooks.add({
      id: flavor === 'cloud' ? '{0c2d5a8e-0000-4000-8000-00000000a001}' : '101', scope: {type: 'repository', key: repo},
      url: started.url, description: `bb-integrate:${CONNECTION}`, events: EVENTS[flavor], active: true, secret,
      createdAt: new Date().toISOString(), extra: {},
    })
    const created = await mutate({type: 'pr.create', repo, title: 'Live ABC-7 change'})
    const id = Number(created.details.id)
    await mutate({type: 'pr.approve', repo, id})
    await mutate({type: 'pr.requestChanges', repo, id})
    await mutate({type: 'pr.comment', repo, id})
    await mutate({type: 'push', repo, commits: 7})
    await mutate({type: 'pr.merge', repo, id})
    const other = await mutate({type: 'pr.create', repo, title: 'Declined one'})
    await mutate({type: 'pr.decline', repo, id: Number(other.details.id)})
    const delivered = rig.emu.admin.deliveries()
    expect(delivered.length).toBeGreaterThanOrEqual(9)
    expect(delivered.map((d) => d.outcome)).toEqual(delivered.map(() => 'delivered'))
    await until('every delivery applied', () => lines(listener!.stdout()).filter((l) => l.type === 'applied').length === delivered.length)
    expect(lines(listener.stdout()).filter((l) => l.type === 'applyFailed')).toEqual([])
    await expectExportEqualsTruth()
  }, 180_000)

  it('stopped with SIGINT it exits 0; changes made while down arrive with the next start\'s catch-up', async () => {
    listener!.child.kill('SIGINT')
    const stopped = await listener!.result
    expect(stopped.code, stopped.stderr).toBe(0)
    expect(lines(stopped.stdout).at(-1)).toMatchObject({type: 'stopped'})
    const created = await mutate({type: 'pr.create', repo, title: 'While down'})
    await mutate({type: 'pr.approve', repo, id: Number(created.details.id)})
    await mutate({type: 'push', repo, commits: 2})
    const again = await startListening()
    listener = again.cli
    await expectExportEqualsTruth()
    listener.child.kill('SIGTERM')
    expect((await listener.result).code).toBe(0)
    listener = null
  }, 180_000)
})
