/**
 * The git commit source end to end: the emulator's real repositories over smart HTTP, a mirror per
 * repository, and runSync writing commits and commit files from `git log`. The store must equal the
 * world's truth (Data Center: with the real line counts REST cannot give), again after a push and a
 * merge, and no file under the mirrors may hold the secret.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {gitAuthorization} from '../../../src/core/git/auth.js'
import {fetchCloneUrl} from '../../../src/core/git/clone-url.js'
import {GitCommitSource} from '../../../src/core/git/source.js'
import {createProvider} from '../../../src/core/provider/index.js'
import type {Store} from '../../../src/core/store/types.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {collect} from '../store/fixtures.js'
import {CONNECTION, startSyncRig, storeLines, truthLines} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...filesUnder(path))
    else out.push(path)
  }
  return out
}

describe.each(['cloud', 'datacenter'] as const)('commits from git on %s', (flavor) => {
  let rig: SyncRig
  let store: Store
  let gitDir: string

  function gitSource(client: ReturnType<SyncRig['client']>, provider: ReturnType<typeof createProvider>, dir = gitDir, since: string | null = null): GitCommitSource {
    return new GitCommitSource({
      env: process.env,
      provider: flavor,
      connection: CONNECTION,
      connectionUrl: rig.emu.apiBase,
      gitDir: dir,
      rest: provider,
      authorization: async () => rig.credential.authorization,
      cloneUrl: (repo, signal) => fetchCloneUrl(client, flavor, repo, signal),
      since,
    })
  }

  async function gitSync(): Promise<{rest: number; git: number}> {
    const client = rig.client()
    const provider = createProvider({kind: flavor, connection: CONNECTION, client})
    const source = gitSource(client, provider)
    const before = rig.emu.stats()
    await runSync({connection: CONNECTION, concurrency: 2}, {provider, commitSource: source, store, emit: () => undefined})
    await client.close()
    const after = rig.emu.stats()
    return {rest: after.total - before.total, git: after.git - before.git}
  }

  /** Data Center REST has no line counts, so its truth has none; the git path has the real ones. */
  function expectedFiles(): string[] {
    if (flavor === 'cloud') return truthLines(rig, 'commitFile')
    const lines = new Map<string, [number, number]>()
    for (const c of rig.emu.world.containers()) {
      for (const r of rig.emu.world.repos(c.key)) {
        const key = `${r.container}/${r.slug}`
        for (const commit of rig.emu.world.detail(key).commits) {
          for (const f of commit.files) lines.set(`${key}\n${commit.hash}\n${f.path}`, [f.linesAdded, f.linesRemoved])
        }
      }
    }
    return truthLines(rig, 'commitFile').map((line) => {
      const f = JSON.parse(line) as Record<string, unknown>
      const [linesAdded, linesRemoved] = lines.get(`${String(f.repo)}\n${String(f.commit)}\n${String(f.path)}`) ?? [-1, -1]
      const x = {...f, linesAdded, linesRemoved}
      return JSON.stringify(x, Object.keys(x).sort())
    }).sort()
  }

  async function expectTruth(): Promise<void> {
    for (const entity of ['commit', 'issueRef', 'user'] as const) expect(await storeLines(rig, store, entity), entity).toEqual(truthLines(rig, entity))
    expect(await storeLines(rig, store, 'commitFile')).toEqual(expectedFiles())
  }

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny')
    store = await rig.store()
    gitDir = join(rig.dir, 'mirrors')
  })

  afterAll(async () => {
    await store.close()
    await rig.close()
  })

  it('a first sync stores the truth, with no per-commit file requests', async () => {
    // Sample every process's argv while the clones run: the secret must never be in one.
    const secret = rig.credential.token
    const header = gitAuthorization(flavor, rig.credential.authorization)
    const leaks: string[] = []
    let samples = 0
    let gitSeen = 0
    const sampler = setInterval(() => {
      samples++
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        let cmdline: Buffer
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`)
        } catch {
          continue
        }
        if (cmdline.includes('git\0')) gitSeen++
        if (cmdline.includes(secret) || cmdline.includes(header.split(' ')[1] ?? header)) leaks.push(cmdline.toString().replace(/\0/g, ' '))
      }
    }, 5)
    const {rest, git} = await gitSync().finally(() => clearInterval(sampler))
    expect(samples).toBeGreaterThan(0)
    expect(gitSeen).toBeGreaterThan(0)
    expect(leaks).toEqual([])
    await expectTruth()
    expect(git).toBeGreaterThan(0)
    const commits = (await collect(store.export('commit'))).length
    // No diffstat requests: far fewer REST requests than commits.
    expect(rest).toBeLessThan(commits)
  })

  it('after a push and a merge, an incremental sync equals the new truth', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
    await rig.emu.admin.mutate({type: 'push', repo, commits: 3})
    const open = rig.emu.world.detail(repo).pullRequests.find((p) => p.state === 'OPEN')
    if (open) await rig.emu.admin.mutate({type: 'pr.merge', repo, id: open.id})
    await gitSync()
    await expectTruth()
  })

  it('after a force-push and a deleted branch, an incremental sync removes the commits no branch reaches', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
    const pushed = await rig.emu.admin.mutate({type: 'push', repo, branch: 'topic/short-lived', commits: 2})
    // The default head may be a merge commit (the test before): a commit on top is what gets dropped.
    await rig.emu.admin.mutate({type: 'push', repo, commits: 1})
    await gitSync()
    await expectTruth()
    await rig.emu.admin.mutate({type: 'branch.delete', repo, branch: 'topic/short-lived'})
    const forced = await rig.emu.admin.mutate({type: 'push', repo, drop: 1, commits: 1})
    expect(forced.details.dropped).toHaveLength(1)
    await gitSync()
    await expectTruth()
    const stored = (await collect(store.export('commit'))).map((c) => c.hash)
    for (const h of [...(pushed.details.commits as string[]), ...(forced.details.dropped as string[])]) expect(stored).not.toContain(h)
  })

  it('a shallow mirror (a first clone limited by --since) lists no reachable set, so nothing is pruned from it', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
    const since = rig.emu.world.now()
    await rig.emu.admin.mutate({type: 'push', repo, commits: 1})
    const client = rig.client()
    const provider = createProvider({kind: flavor, connection: CONNECTION, client})
    try {
      expect(await gitSource(client, provider, join(rig.dir, 'shallow'), since).reachable(repo)).toBeNull()
      const full = await gitSource(client, provider).reachable(repo)
      expect([...full ?? []].sort()).toEqual(rig.emu.world.detail(repo).commits.map((c) => c.hash).sort())
    } finally {
      await client.close()
    }
  })

  it('no file under the mirrors holds the secret', () => {
    const secret = rig.credential.token
    const files = filesUnder(gitDir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(readFileSync(file).includes(secret), file).toBe(false)
  })
})
