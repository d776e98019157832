/**
 * ensure / delete against the emulator on loopback, Cloud and Data Center: created with marker, URL,
 * secret and events; a second run only keeps and writes nothing; drift fixed; our duplicate deleted; a
 * foreign hook untouched; --dry-run writes nothing; delete leaves none of ours; the secret is in no output.
 */
import {readFileSync} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'

import {secretAccount, serializeSecret} from '../../../src/core/auth/secret.js'
import {readEnv} from '../../../src/core/env.js'
import {UsageError} from '../../../src/core/errors.js'
import {deleteWebhooks} from '../../../src/core/webhooks/delete.js'
import {ensureWebhooks} from '../../../src/core/webhooks/ensure.js'
import {openWebhooks, type OpenedWebhooks} from '../../../src/core/webhooks/open.js'
import {readWebhookSecret} from '../../../src/core/webhooks/secret.js'
import {DEFAULT_EVENTS} from '../../../src/core/webhooks/context.js'
import type {Hook} from '../../../emulator/server/hooks.js'
import {setupFixture, type Fixture} from '../validate/fixture.js'

let fx: Fixture | undefined
let opened: OpenedWebhooks | undefined
afterEach(async () => {
  await opened?.close()
  await fx?.close()
  fx = undefined
  opened = undefined
})

const URL_A = 'https://hooks.example.test/bb'
const URL_B = 'https://tunnel.example.test/bb'

async function open(f: Fixture): Promise<OpenedWebhooks> {
  opened = await openWebhooks({warn: () => undefined, env: readEnv({}), config: f.config, secretStore: f.store})
  return opened
}

/** Write requests the emulator answered since the last reset. */
function writes(f: Fixture): Record<string, number> {
  return Object.fromEntries(Object.entries(f.emu.stats().byRoute).filter(([route]) => /^(POST|PUT|DELETE|PATCH)\b/.test(route)))
}

const ours = (f: Fixture): Hook[] => f.emu.state.hooks.list().filter((h) => h.description === 'bb-integrate:default')

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`webhooks ensure/delete (${flavor})`, () => {
    const containerScope = flavor === 'cloud' ? 'workspace' : 'project'
    const otherEvent = flavor === 'cloud' ? 'repo:push' : 'repo:refs_changed'

    it('creates one container hook with marker, URL, secret and events; a second run keeps it and writes nothing', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const {ctx} = await open(fx)
      const container = fx.selection[0]!.split('/')[0]!
      // A foreign hook on a selected repository, pointing at the same URL.
      const foreign = await ctx.api.create('repo', fx.selection[0]!, {url: URL_A, description: 'CI server', events: [otherEvent], active: true, secret: 'theirs'})

      const first = await ensureWebhooks(ctx, {url: URL_A})
      expect(first.rows.map((r) => [r.target, r.scope, r.action])).toEqual([[container, containerScope, 'create']])
      const secret = await readWebhookSecret(fx.store, 'default')
      expect(secret).toMatch(/^[0-9a-f]{64}$/)
      const [hook] = ours(fx)
      expect(ours(fx)).toHaveLength(1)
      expect(hook).toMatchObject({url: URL_A, active: true, secret, scope: {type: 'container', key: container}})
      expect([...hook!.events].sort()).toEqual([...DEFAULT_EVENTS[flavor]].sort())
      expect(fx.emu.state.hooks.get(foreign.id)).toMatchObject({url: URL_A, description: 'CI server', events: [otherEvent], secret: 'theirs'})

      // Recorded in the config, the secret nowhere in output or config.
      expect(fx.config.getConnection('default')?.webhooks).toMatchObject({url: URL_A, scope: 'auto', events: first.events})
      expect(JSON.stringify(first)).not.toContain(secret)
      expect(readFileSync(fx.config.path, 'utf8')).not.toContain(secret)

      fx.emu.admin.resetStats()
      const second = await ensureWebhooks(ctx, {})
      expect(second.rows.map((r) => r.action)).toEqual(['keep'])
      expect(writes(fx)).toEqual({})
      expect(fx.emu.stats().total).toBeGreaterThan(0)
    })

    it('moves to repository hooks, fixes drift, deletes our duplicate, never touches a foreign hook; --dry-run writes nothing', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const {ctx} = await open(fx)
      const [r1, r2, r3] = fx.selection as [string, string, string]
      const foreign = await ctx.api.create('repo', r2, {url: URL_A, description: 'bb-integrate:other', events: [otherEvent], active: true})
      await ensureWebhooks(ctx, {url: URL_A})

      const moved = await ensureWebhooks(ctx, {url: URL_A, scope: 'repo'})
      expect(moved.rows.map((r) => [r.target, r.action])).toEqual([[r1, 'create'], [r2, 'create'], [r3, 'create'], [r1.split('/')[0], 'delete']])
      expect(ours(fx).map((h) => h.scope)).toEqual(fx.selection.map((key) => ({type: 'repository', key})))

      // Drift: another URL on r1, other events on r2; a second copy of ours on r3.
      const byRepo = (key: string) => ours(fx!).find((h) => h.scope.key === key)!
      byRepo(r1).url = 'https://old.example.test/x'
      byRepo(r2).events = [otherEvent]
      const dup = await ctx.api.create('repo', r3, {url: URL_A, description: 'bb-integrate:default', events: [otherEvent], active: true})

      fx.emu.admin.resetStats()
      const dry = await ensureWebhooks(ctx, {dryRun: true})
      expect(dry.rows.map((r) => [r.target, r.action])).toEqual([[r1, 'update'], [r2, 'update'], [r3, 'keep'], [r3, 'delete']])
      expect(writes(fx)).toEqual({})
      expect(byRepo(r1).url).toBe('https://old.example.test/x')

      const fixed = await ensureWebhooks(ctx, {})
      expect(fixed.rows.map((r) => [r.target, r.action, r.reason])).toEqual([
        [r1, 'update', 'drifted: url'], [r2, 'update', 'drifted: events'], [r3, 'keep', null], [r3, 'delete', 'duplicate of ours'],
      ])
      expect(fx.emu.state.hooks.get(dup.id)).toBeUndefined()
      expect(ours(fx).every((h) => h.url === URL_A && h.events.length === DEFAULT_EVENTS[flavor].length)).toBe(true)
      expect(fx.emu.state.hooks.get(foreign.id)).toMatchObject({description: 'bb-integrate:other', url: URL_A, events: [otherEvent]})

      // A new URL moves every hook (the tunnel changed); the secret stays.
      const secret = await readWebhookSecret(fx.store, 'default')
      const moved2 = await ensureWebhooks(ctx, {url: URL_B})
      expect(moved2.rows.map((r) => r.action)).toEqual(['update', 'update', 'update'])
      expect(ours(fx).every((h) => h.url === URL_B && h.secret === secret)).toBe(true)
    })

    it('--rotate-secret replaces the secret on every hook of ours', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const {ctx} = await open(fx)
      await ensureWebhooks(ctx, {url: URL_A, scope: 'repo'})
      const before = await readWebhookSecret(fx.store, 'default')
      const rotated = await ensureWebhooks(ctx, {rotateSecret: true})
      const after = await readWebhookSecret(fx.store, 'default')
      expect(after).not.toBe(before)
      expect(rotated.rows.map((r) => [r.action, r.reason])).toEqual(fx.selection.map(() => ['update', 'drifted: secret']))
      expect(ours(fx).every((h) => h.secret === after)).toBe(true)
      expect(JSON.stringify(rotated)).not.toContain(after)
    })

    it('delete leaves none of ours, keeps foreign hooks and, asked to, deletes the secret', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const {ctx} = await open(fx)
      const foreign = await ctx.api.create('repo', fx.selection[0]!, {url: URL_A, description: 'CI server', events: [otherEvent], active: true})
      await ensureWebhooks(ctx, {url: URL_A, scope: 'repo'})
      await ensureWebhooks(ctx, {url: URL_A, scope: 'auto'})
      await ctx.api.create('repo', fx.selection[1]!, {url: URL_B, description: 'bb-integrate:default', events: [otherEvent], active: true})
      expect(ours(fx)).toHaveLength(2)

      fx.emu.admin.resetStats()
      const dry = await deleteWebhooks(ctx, {dryRun: true})
      expect(dry.rows.map((r) => r.action)).toEqual(['delete', 'delete'])
      expect(writes(fx)).toEqual({})

      await expect(deleteWebhooks(ctx, {id: foreign.id})).rejects.toThrow(/not created by bb-integrate/)
      // Only the named hooks of ours; a foreign id among them is skipped.
      const [one] = ours(fx)
      const some = await deleteWebhooks(ctx, {ids: [one!.id, foreign.id]})
      expect(some.rows.map((r) => r.id)).toEqual([one!.id])
      expect(fx.config.getConnection('default')?.webhooks).toBeDefined()
      const done = await deleteWebhooks(ctx, {deleteSecret: true})
      expect(done.rows).toHaveLength(1)
      expect(done.secretDeleted).toBe(true)
      expect(ours(fx)).toEqual([])
      expect(fx.emu.state.hooks.get(foreign.id)).toBeDefined()
      expect(await readWebhookSecret(fx.store, 'default')).toBeNull()
      expect(fx.config.getConnection('default')?.webhooks).toBeUndefined()
    })

    it('refuses unknown events with the accepted list, and needs a URL', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      const {ctx} = await open(fx)
      await expect(ensureWebhooks(ctx, {})).rejects.toThrow(/needs the URL/)
      const bad = flavor === 'cloud' ? 'pullrequest:merged' : 'pr:reviewer:changes_requested'
      const error = await ensureWebhooks(ctx, {url: URL_A, events: [bad]}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).message).toContain(bad)
      if (flavor === 'datacenter') expect((error as UsageError).message).toContain('use pr:reviewer:needs_work')
      expect(fx.emu.state.hooks.list()).toEqual([])
      // Duplicates are sent once (Cloud refuses a duplicate event).
      const ok = await ensureWebhooks(ctx, {url: URL_A, events: [`${otherEvent},${otherEvent}`, otherEvent]})
      expect(ok.events).toEqual([otherEvent])
    })
  })
}

describe('webhooks ensure without admin rights', () => {
  it('Cloud: a workspace member gets repository hooks from auto, and an error row (nothing written) for --scope workspace', async () => {
    fx = await setupFixture({flavor: 'cloud'})
    const member = fx.emu.world.users()[1]!
    const token = fx.emu.admin.createToken({kind: 'api-token', user: member.uuid})
    fx.config.updateCredential('default', '1', {email: token.login as string})
    await fx.store.set(secretAccount('default', '1'), serializeSecret({kind: 'api-token', token: token.secret}))
    const {ctx} = await open(fx)
    const container = fx.selection[0]!.split('/')[0]!

    fx.emu.admin.resetStats()
    const refused = await ensureWebhooks(ctx, {url: URL_A, scope: 'workspace'})
    expect(refused.rows).toEqual([{target: container, scope: 'workspace', action: 'error', id: null, url: URL_A, events: refused.events,
      reason: expect.stringMatching(/not its owner: only owners may install workspace hooks/)}])
    expect(writes(fx)).toEqual({})

    const auto = await ensureWebhooks(ctx, {url: URL_A, scope: 'auto'})
    expect(auto.rows.map((r) => [r.target, r.scope, r.action])).toEqual(fx.selection.map((k) => [k, 'repo', 'create']))
  })

  it('Data Center: without REPO_ADMIN every repository is an error row naming the permission', async () => {
    fx = await setupFixture({flavor: 'datacenter'})
    const {ctx} = await open(fx)
    const result = await ensureWebhooks(ctx, {url: URL_A})
    expect(result.rows.map((r) => [r.target, r.scope, r.action])).toEqual(fx.selection.map((k) => [k, 'repo', 'error']))
    for (const row of result.rows) expect(row.reason).toContain('REPO_ADMIN')
    expect(fx.emu.state.hooks.list()).toEqual([])
  })
})
