/**
 * Deletions propagate (issue 11, item 4): a repository gone from the server is marked deleted with a
 * warning (sync exit 0) and left out of `export`; a Data Center PR deleted on the server leaves the
 * store on the next sync that lists every PR state. Also: `export` never creates a store.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {CONNECTION, truthLines} from '../../core/sync/emulator-rig.js'
import {events, startCliRig, type CliRig} from './rig.js'

let rig: CliRig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

const keys = (stdout: string, entity: string): string[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
  .filter((e) => e.entity === entity).map((e) => String(e.key ?? `${String(e.repo)}#${String(e.id)}`))

describe('deletions', () => {
  it('a repository deleted on the server is marked deleted with a warning, sync exits 0, export leaves it out', async () => {
    rig = await startCliRig('cloud', 'tiny')
    expect((await rig.cli(['sync', '--json'])).code).toBe(0)
    const repos = truthLines(rig, 'repository').map((l) => (JSON.parse(l) as {key: string}).key)
    const gone = repos[0]!
    await rig.emu.admin.mutate({type: 'repo.delete', repo: gone})

    // Gone from the full listing.
    const second = await rig.cli(['sync', '--json'])
    expect(second.code, second.stderr).toBe(0)
    expect(events(second.stdout).filter((e) => e.type === 'warning').map((e) => e.message)).toContainEqual(expect.stringContaining(`Repository ${gone} no longer exists`))
    const exported = await rig.cli(['export', '--entity', 'repository', '--entity', 'pullRequest'])
    expect(exported.code).toBe(0)
    expect(keys(exported.stdout, 'repository')).toEqual(repos.slice(1))
    expect(keys(exported.stdout, 'pullRequest').some((k) => k.startsWith(`${gone}#`))).toBe(false)
    const flagged = await rig.cli(['export', '--entity', 'repository', '--include-deleted'])
    const rows = flagged.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {key: string; deletedAt: string | null})
    expect(rows.find((r) => r.key === gone)?.deletedAt).toMatch(/^\d{4}-/)

    // Still in an explicit selection: it 404s, which is the same news, not a failure.
    const third = await rig.cli(['sync', '--repo', gone, '--json'])
    expect(third.code, third.stderr).toBe(0)
    expect(events(third.stdout).find((e) => e.type === 'summary')).toMatchObject({reposFailed: 0})
  }, 120_000)

  it('a repository deleted mid-sync is marked deleted, not a failure', async () => {
    rig = await startCliRig('cloud', 'tiny')
    const store = await rig.store()
    const repos = truthLines(rig, 'repository').map((l) => (JSON.parse(l) as {key: string}).key)
    const victim = repos[0]!
    const sync = async () => {
      const {createProvider} = await import('../../../src/core/provider/index.js')
      const {runSync} = await import('../../../src/core/sync/engine.js')
      const client = rig!.client()
      const provider = createProvider({kind: 'cloud', connection: CONNECTION, client})
      const seen: Array<{type: string; message?: string}> = []
      let deleted = false
      const summary = await runSync({connection: CONNECTION, concurrency: 1}, {provider, store, emit: (e) => {
        seen.push(e as {type: string})
        // Listed, then deleted as soon as its sync starts.
        if (!deleted && e.type === 'repo' && e.repo === victim && e.phase === 'pullRequests') {
          deleted = true
          rig!.emu.world.mutate({type: 'repo.delete', repo: victim})
        }
      }})
      await client.close()
      return {summary, seen}
    }
    const {summary, seen} = await sync()
    expect(summary).toMatchObject({reposFailed: 0, stopReason: null})
    expect(seen.filter((e) => e.type === 'warning').map((e) => e.message)).toContainEqual(expect.stringContaining(`Repository ${victim} no longer exists`))
    expect(await store.repositoryKeys(CONNECTION)).toEqual(repos.slice(1))
    await store.close()
  }, 120_000)

  it('a Data Center PR deleted on the server leaves the store on the next full sync', async () => {
    rig = await startCliRig('datacenter', 'tiny')
    expect((await rig.cli(['sync', '--json'])).code).toBe(0)
    const pr = JSON.parse(truthLines(rig, 'pullRequest')[0]!) as {repo: string; id: number}
    await rig.emu.admin.mutate({type: 'pr.delete', repo: pr.repo, id: pr.id})
    const again = await rig.cli(['sync', '--full', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(events(again.stdout).filter((e) => e.type === 'warning').map((e) => e.message)).toContainEqual(expect.stringMatching(/1 pull request deleted on the server \(#\d+\) removed/))
    const exported = await rig.cli(['export', '--entity', 'pullRequest', '--entity', 'review'])
    const lines = exported.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {entity: string; repo: string; id?: number; pullRequest?: number})
    expect(lines.some((l) => l.repo === pr.repo && (l.id === pr.id || l.pullRequest === pr.id))).toBe(false)
    expect(lines.filter((l) => l.entity === 'pullRequest')).toHaveLength(truthLines(rig, 'pullRequest').length)
  }, 120_000)

  it('export --store on a missing path exits 2 and creates nothing', async () => {
    rig = await startCliRig('cloud', 'tiny')
    const missing = path.join(rig.dir, 'no', 'such.db')
    const r = await rig.cli(['export', '--store', missing])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/There is no store at/)
    expect(existsSync(path.dirname(missing))).toBe(false)
  }, 60_000)
})
