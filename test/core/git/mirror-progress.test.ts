/**
 * Clone and fetch progress of the git commit source: git's `--progress` output parsed as it arrives
 * (lines rewritten with "\r", split anywhere across chunks), and the events a real clone and fetch from
 * the emulator produce: a start, the transfer, the end.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {fetchCloneUrl} from '../../../src/core/git/clone-url.js'
import {stderrTail} from '../../../src/core/git/exec.js'
import {progressParser} from '../../../src/core/git/mirror.js'
import type {MirrorProgress} from '../../../src/core/git/mirror.js'
import {GitCommitSource} from '../../../src/core/git/source.js'
import type {MirrorEvent} from '../../../src/core/git/source.js'
import {createProvider} from '../../../src/core/provider/index.js'
import {CONNECTION, startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'

describe('git progress output', () => {
  const stderr = 'Cloning into bare repository \'x.git\'...\nremote: Enumerating objects: 12, done.\n'
    + 'Receiving objects:  25% (3/12)\rReceiving objects:  50% (6/12)\rReceiving objects:  50% (6/12), 1.00 KiB\rReceiving objects: 100% (12/12), 2.00 KiB | 1.00 MiB/s, done.\n'
    + 'Resolving deltas:   0% (0/4)\rResolving deltas: 100% (4/4), done.\n'

  it('reports each stage once per percent, however the output is split', () => {
    for (const size of [1, 3, 7, stderr.length]) {
      const seen: MirrorProgress[] = []
      const feed = progressParser((p) => seen.push(p))
      for (let i = 0; i < stderr.length; i += size) feed(stderr.slice(i, i + size))
      expect(seen, `chunks of ${size}`).toEqual([
        {stage: 'receiving', percent: 25, done: 3, total: 12},
        {stage: 'receiving', percent: 50, done: 6, total: 12},
        {stage: 'receiving', percent: 100, done: 12, total: 12},
        {stage: 'resolving', percent: 0, done: 0, total: 4},
        {stage: 'resolving', percent: 100, done: 4, total: 4},
      ])
    }
  })

  it('keeps progress lines out of error messages', () => {
    expect(stderrTail(`${stderr}fatal: the remote end hung up unexpectedly\n`)).toBe('Cloning into bare repository \'x.git\'... fatal: the remote end hung up unexpectedly')
  })
})

describe('clone and fetch progress from the emulator', () => {
  let rig: SyncRig
  let gitDir: string

  beforeAll(async () => {
    rig = await startSyncRig('cloud', 'tiny')
    gitDir = mkdtempSync(join(tmpdir(), 'bb-git-progress-'))
  })
  afterAll(async () => {
    await rig?.close()
    rmSync(gitDir, {recursive: true, force: true})
  })

  async function refresh(repo: string): Promise<MirrorEvent[]> {
    const client = rig.client()
    const events: MirrorEvent[] = []
    const source = new GitCommitSource({
      provider: 'cloud', connection: CONNECTION, connectionUrl: rig.emu.apiBase, gitDir, env: process.env,
      rest: createProvider({kind: 'cloud', connection: CONNECTION, client}),
      authorization: async () => rig.credential.authorization,
      cloneUrl: (r, signal) => fetchCloneUrl(client, 'cloud', r, signal),
      onMirror: (e) => events.push(e),
    })
    await source.refresh(repo)
    await client.close()
    return events
  }

  it('a clone reports its start, the objects received up to 100 %, and its end; a fetch after a push too', async () => {
    const container = rig.emu.world.containers()[0]!.key
    const repo = `${container}/${rig.emu.world.repos(container)[0]!.slug}`
    const cloned = await refresh(repo)
    expect(cloned[0]).toEqual({repo, action: 'clone', state: 'start'})
    expect(cloned.at(-1)).toEqual({repo, action: 'clone', state: 'done'})
    const received = cloned.filter((e): e is Extract<MirrorEvent, {state: 'progress'}> => e.state === 'progress' && e.stage === 'receiving')
    expect(received.length).toBeGreaterThan(0)
    expect(received.at(-1)).toMatchObject({percent: 100})
    expect(received.at(-1)!.done).toBe(received.at(-1)!.total)
    expect(received.map((e) => e.percent)).toEqual([...received.map((e) => e.percent)].sort((a, b) => a - b))

    // Enough objects for git to keep them as a pack (over fetch.unpackLimit): it reports their arrival.
    await rig.emu.admin.mutate({type: 'push', repo, commits: 60})
    const fetched = await refresh(repo)
    expect(fetched[0]).toEqual({repo, action: 'fetch', state: 'start'})
    expect(fetched.at(-1)).toEqual({repo, action: 'fetch', state: 'done'})
    expect(fetched.some((e) => e.state === 'progress' && e.stage === 'receiving' && e.percent === 100), JSON.stringify(fetched)).toBe(true)
  }, 120_000)
})
