import {existsSync} from 'node:fs'

import {afterEach, describe, expect, it} from 'vitest'

import type {Repository} from '../../src/core/model.js'
import type {ValidateReport} from '../../src/core/validate/types.js'
import {runInProcess} from '../helpers/in-process.js'
import {setupFixture, type Fixture} from '../core/validate/fixture.js'

let fx: Fixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})

const run = (f: Fixture, argv: string[]) => runInProcess(argv, {env: {BB_INTEGRATE_CONFIG_DIR: f.dir}})

describe.each(['cloud', 'datacenter'] as const)('commands in-process through the context (%s)', (flavor) => {
  it('repos list --json lists every repository, nothing on stderr but the plain-file warning', async () => {
    fx = await setupFixture({fileStore: true, flavor})
    const r = await run(fx, ['repos', 'list', '--json'])
    expect(r.code).toBe(0)
    const keys = (JSON.parse(r.stdout) as Repository[]).map((x) => x.key).sort()
    const truth = fx.emu.world.containers().flatMap((c) => fx!.emu.world.repos(c.key).map((x) => `${x.container}/${x.slug}`)).sort()
    expect(keys).toEqual(truth)
    // The fixture keeps its secrets in the opt-in plain file: the context's stores say so on its stderr (once).
    expect(r.stderr.replace(/^Warning: secrets stored in plain file .*\n/, '')).toBe('')
  })

  it('validate --json reports every check and exits 0 on a good connection', async () => {
    fx = await setupFixture({fileStore: true, flavor})
    const r = await run(fx, ['validate', '--json'])
    const report = JSON.parse(r.stdout) as ValidateReport
    expect(report.checks.find((c) => c.id === 'identity')?.status).toBe('pass')
    expect(r.code).toBe(report.ok ? 0 : 1)
  })

  it('auth status --json shows the connection and no secret', async () => {
    fx = await setupFixture({fileStore: true, flavor})
    const r = await run(fx, ['auth', 'status', '--json'])
    expect(r.code).toBe(0)
    const status = JSON.parse(r.stdout) as {connections: Array<{name: string; provider: string}>}
    expect(status.connections.map((c) => [c.name, c.provider])).toEqual([['default', flavor]])
    expect(r.stdout).not.toMatch(/ATCTT|secret-|"token"\s*:/)
  })

  it('sync --json streams NDJSON ending with a complete summary, into the store it names', async () => {
    fx = await setupFixture({fileStore: true, flavor, select: 2})
    const store = `${fx.dir}/in-process.db`
    const r = await runInProcess(['sync', '--json', '--store', store, '--commits-from', 'rest'], {env: {BB_INTEGRATE_CONFIG_DIR: fx.dir, BB_INTEGRATE_RATE_LIMIT: '100000'}})
    expect(r.code, r.stdout).toBe(0)
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {v: number; type: string; complete?: boolean; reposDone?: number})
    expect(events.every((e) => e.v === 1)).toBe(true)
    expect(events[0]?.type).toBe('start')
    expect(events.at(-1)).toMatchObject({type: 'summary', complete: true, reposDone: 2})
    expect(r.stderr).toBe('')
  })

  it('sync and export without --store use the store the test hands the context', async () => {
    fx = await setupFixture({fileStore: true, flavor, select: 1})
    const factories = {defaultStoreUrl: `${fx.dir}/injected.db`}
    const env = {BB_INTEGRATE_CONFIG_DIR: fx.dir, BB_INTEGRATE_RATE_LIMIT: '100000'}
    const synced = await runInProcess(['sync', '--json', '--commits-from', 'rest'], {env, factories})
    expect(synced.code, synced.stdout).toBe(0)
    const exported = await runInProcess(['export', '--json', '--entity', 'repository'], {env, factories})
    expect(exported.code, exported.stderr).toBe(0)
    const rows = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as {entity: string})
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({entity: 'repository'})
    // The data dir's own default store (BB_INTEGRATE_CONFIG_DIR/bb-integrate.db) was never created.
    expect(existsSync(factories.defaultStoreUrl)).toBe(true)
    expect(existsSync(`${fx.dir}/bb-integrate.db`)).toBe(false)
  })

  it('a bad flag is a usage error (exit 2) in the JSON envelope', async () => {
    fx = await setupFixture({fileStore: true, flavor})
    const r = await run(fx, ['validate', '--json', '--timeout', '0'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error.code).toBe('bad_usage')
  })
})
