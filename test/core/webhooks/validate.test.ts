/** validate's webhooks row against the emulator: pass once ensured, fail on drift or a missing secret, warn on DC delivery failures. */
import {afterEach, describe, expect, it} from 'vitest'

import {readEnv} from '../../../src/core/env.js'
import {validateConnection} from '../../../src/core/validate/service.js'
import {ensureWebhooks} from '../../../src/core/webhooks/ensure.js'
import {openWebhooks} from '../../../src/core/webhooks/open.js'
import {webhookSecretAccount} from '../../../src/core/webhooks/secret.js'
import {setupFixture, type Fixture} from '../validate/fixture.js'

let fx: Fixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})

const env = readEnv({})
const webhooksRow = async (f: Fixture) =>
  (await validateConnection({env, processEnv: process.env, config: f.config, secretStore: f.store, timeoutMs: 5000})).checks.find((c) => c.id === 'webhooks')

async function ensure(f: Fixture, url: string, scope: 'auto' | 'repo' = 'auto'): Promise<void> {
  const opened = await openWebhooks({warn: () => undefined, env, config: f.config, secretStore: f.store})
  try {
    const {rows} = await ensureWebhooks(opened.ctx, {url, scope})
    expect(rows.every((r) => r.action !== 'error')).toBe(true)
  } finally {
    await opened.close()
  }
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`validate webhooks row (${flavor})`, () => {
    it('passes once ensured; fails when a hook drifted, one is missing, or the secret is gone', async () => {
      fx = await setupFixture({flavor, scopes: flavor === 'datacenter' ? ['PROJECT_ADMIN'] : undefined})
      expect(await webhooksRow(fx)).toMatchObject({status: 'skip', detail: 'webhooks not configured yet'})
      await ensure(fx, 'https://hooks.example.test/bb', 'repo')
      expect(await webhooksRow(fx)).toMatchObject({status: 'pass', detail: expect.stringMatching(/^3 hooks of ours cover 3 selected repositories; secret set/)})
      // With webhooks configured their permissions are required too, and this credential has them.
      const report = await validateConnection({env, processEnv: process.env, config: fx.config, secretStore: fx.store, timeoutMs: 5000})
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([])

      const [first, second] = fx.emu.state.hooks.list()
      first!.url = 'https://elsewhere.example.test/'
      fx.emu.state.hooks.remove(second!.id)
      const broken = await webhooksRow(fx)
      expect(broken?.status).toBe('fail')
      expect(broken?.detail).toContain(`${first!.scope.key}: url differ from what was ensured`)
      expect(broken?.detail).toContain(`no webhook of ours on 1 selected repository (${second!.scope.key})`)
      expect(broken?.remedy).toMatch(/webhooks ensure/)

      await ensure(fx, 'https://hooks.example.test/bb', 'repo')
      expect((await webhooksRow(fx))?.status).toBe('pass')
      await fx.store.delete(webhookSecretAccount('default'))
      expect(await webhooksRow(fx)).toMatchObject({status: 'fail', detail: expect.stringContaining('webhook secret is missing')})
    })
  })
}

describe('validate webhooks row (datacenter delivery log)', () => {
  it('warns about the last failed delivery of a hook of ours', async () => {
    fx = await setupFixture({flavor: 'datacenter', scopes: ['PROJECT_ADMIN']})
    // Nothing listens on port 9: the delivery fails without an answer.
    await ensure(fx, 'http://127.0.0.1:9/hooks')
    expect((await webhooksRow(fx))?.status).toBe('pass')
    await fx.emu.admin.mutate({type: 'push', repo: fx.selection[0]!, commits: 1}, {wait: true})
    const row = await webhooksRow(fx)
    expect(row?.status).toBe('warn')
    expect(row?.detail).toContain('the last failed delivery to http://127.0.0.1:9/hooks')
    expect(row?.detail).toContain('repo:refs_changed')
  })
})
