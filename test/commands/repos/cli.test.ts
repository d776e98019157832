import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {Repository} from '../../../src/core/model.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {ensureBuilt, runCli} from '../../helpers/cli.js'
import {setupFixture, type Fixture} from '../../core/validate/fixture.js'

let fx: Fixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})
beforeAll(() => ensureBuilt(), 180_000)

const cli = (f: Fixture, args: string[]) => runCli(args, {env: {BB_INTEGRATE_CONFIG_DIR: f.dir}, timeoutMs: 30_000})
const saved = (f: Fixture) => new ConfigStore({configDir: f.dir}).getSelection('default')
const allKeys = (f: Fixture) => f.emu.world.containers().flatMap((c) => f.emu.world.repos(c.key).map((r) => `${r.container}/${r.slug}`)).sort()

describe('bb-integrate repos list (built CLI)', () => {
  it('prints a table on stdout and every repository (all pages) as JSON', async () => {
    fx = await setupFixture({fileStore: true, dataset: 'medium'})
    const expected = allKeys(fx)
    expect(expected.length).toBeGreaterThan(100) // more than one page of 100
    const json = await cli(fx, ['repos', 'list', '--json'])
    expect(json.code).toBe(0)
    const repos = JSON.parse(json.stdout) as Repository[]
    expect(repos.map((r) => r.key).sort()).toEqual(expected)

    const table = await cli(fx, ['repos', 'list'])
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^KEY\s+PROJECT\s+PRIVATE\s+DEFAULT BRANCH\s+UPDATED$/)
    expect(lines).toHaveLength(expected.length + 1)
    expect(table.stderr).toContain(`${expected.length} repositories`)
  })

  it('--workspace narrows the listing', async () => {
    fx = await setupFixture({fileStore: true, dataset: 'medium'})
    const ws = fx.emu.world.containers()[1]?.key as string
    const r = await cli(fx, ['repos', 'list', '--json', '--workspace', ws])
    const repos = JSON.parse(r.stdout) as Repository[]
    expect(repos.length).toBe(fx.emu.world.repos(ws).length)
    expect(repos.every((x) => x.key.startsWith(`${ws}/`))).toBe(true)
  })
})

describe('bb-integrate repos list: an unknown workspace or project is the user\'s input (exit 2)', () => {
  it.each(['cloud', 'datacenter'] as const)('%s', async (flavor) => {
    fx = await setupFixture({fileStore: true, flavor})
    const flag = flavor === 'cloud' ? '--workspace' : '--project'
    const r = await cli(fx, ['repos', 'list', flag, 'nope-nope', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'unknown_container',
      message: `${flavor === 'cloud' ? 'Workspace' : 'Project'} "nope-nope" does not exist or is not visible to this connection`,
      exitCode: 2,
    })
    const human = await cli(fx, ['repos', 'list', flag, 'nope-nope'])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('Run `bb-integrate repos list` without --workspace/--project')
    expect(human.stderr).not.toContain('GET http')
  })
})

describe('bb-integrate repos select, unattended (built CLI)', () => {
  it('without a TTY and without flags fails fast (exit 2) naming the flags', async () => {
    fx = await setupFixture({fileStore: true})
    const r = await cli(fx, ['repos', 'select'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--all.*--repo.*--match.*--workspace.*--project.*--clear/)
  })

  it('--all saves every repo; --clear empties; --json prints the result', async () => {
    fx = await setupFixture({fileStore: true})
    const all = await cli(fx, ['repos', 'select', '--all', '--json'])
    expect(all.code).toBe(0)
    expect((JSON.parse(all.stdout) as {selection: string[]}).selection).toEqual(allKeys(fx))
    expect(saved(fx)).toEqual(allKeys(fx))
    const clear = await cli(fx, ['repos', 'select', '--clear'])
    expect(clear.code).toBe(0)
    expect(saved(fx)).toEqual([])
  })

  it('an unknown --repo is a warning (exit 0); the known one is added', async () => {
    fx = await setupFixture({fileStore: true, select: 0})
    const key = allKeys(fx)[0] as string
    const r = await cli(fx, ['repos', 'select', '--repo', key, '--repo', 'nope/missing', '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/Warning: repository nope\/missing does not exist/)
    expect(JSON.parse(r.stdout)).toMatchObject({selection: [key], added: [key], notFound: ['nope/missing']})
    expect(saved(fx)).toEqual([key])
  })

  it('nothing matched: exit 2 with a clear message, selection unchanged', async () => {
    fx = await setupFixture({fileStore: true})
    const before = saved(fx)
    const r = await cli(fx, ['repos', 'select', '--match', 'zzz-*/*'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Nothing matched --match zzz-\*\/\*/)
    expect(saved(fx)).toEqual(before)
  })

  it('--clear --match replaces the selection with the matches', async () => {
    fx = await setupFixture({fileStore: true, dataset: 'medium'})
    const ws = fx.emu.world.containers()[1]?.key as string
    const r = await cli(fx, ['repos', 'select', '--clear', '--match', `${ws}/*`])
    expect(r.code).toBe(0)
    expect(saved(fx)).toEqual(fx.emu.world.repos(ws).map((x) => `${x.container}/${x.slug}`).sort())
  })
})
