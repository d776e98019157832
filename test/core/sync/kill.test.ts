/**
 * kill -9 at random moments, then a final run: the store converges to exactly the truth. The sync
 * runs in a child process (a real SIGKILL: no finally blocks, no graceful close, WAL left behind).
 */
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {expectStoreEqualsTruth, startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'

const CHILD = new URL('./sync-child.ts', import.meta.url).pathname

/** Run the child; kill -9 it after `killAfterLines` event lines (null: let it finish). */
function runChild(rig: SyncRig, killAfterLines: number | null): Promise<{killed: boolean; lines: number; code: number | null}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {...process.env, BB_TEST_SYNC: JSON.stringify({apiBase: rig.emu.apiBase, flavor: rig.flavor, authorization: rig.credential.authorization, store: rig.storePath})},
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let lines = 0
    let killed = false
    createInterface({input: child.stdout}).on('line', () => {
      lines++
      if (killAfterLines !== null && lines >= killAfterLines && !killed) {
        killed = child.kill('SIGKILL')
      }
    })
    child.once('error', reject)
    child.once('exit', (code) => resolve({killed, lines, code}))
  })
}

describe.each(['cloud', 'datacenter'] as const)('%s: kill -9 and resume', (flavor) => {
  let rig: SyncRig
  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny')
  })
  afterAll(async () => rig?.close())

  it('converges to exactly what a clean run stores', async () => {
    // Seeded kill points: every run is reproducible, and they spread over the whole sync.
    let seed = flavor === 'cloud' ? 17 : 29
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    let kills = 0
    for (let i = 0; i < 3; i++) {
      const r = await runChild(rig, 3 + Math.floor(random() * 60))
      if (r.killed) kills++
      else expect(r.code).toBe(0)
    }
    expect(kills).toBeGreaterThan(1)
    const final = await runChild(rig, null)
    expect(final.code).toBe(0)
    const {openStore} = await import('../../../src/core/store/open.js')
    const store = await openStore(rig.storePath)
    await expectStoreEqualsTruth(rig, store)
    // No resume cursor is left behind once everything completed.
    for (const r of rig.emu.world.truth(flavor, 'repository', 'default')) {
      expect((await store.repoState('default', r.key)).cursors).toEqual({})
    }
    await store.close()
  }, 120_000)
})
