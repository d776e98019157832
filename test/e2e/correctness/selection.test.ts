/**
 * One truth about the selection (issue 11, item 6): with nothing selected, `validate` says what `sync`
 * then does (every visible repository) instead of warning that sync has nothing to do.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {truthLines} from '../../core/sync/emulator-rig.js'
import {events, startCliRig, type CliRig} from './rig.js'

let rig: CliRig
beforeAll(async () => {
  rig = await startCliRig('cloud', 'tiny')
}, 60_000)
afterAll(async () => rig?.close())

describe('an empty selection', () => {
  it('validate --strict passes and says sync takes every repository; sync then syncs exactly those', async () => {
    const validate = await rig.cli(['validate', '--strict'])
    expect(validate.stdout).toMatch(/^PASS repos: No repositories selected: `sync` syncs every repository this credential can see/m)
    expect(validate.stdout).not.toMatch(/nothing to do|^WARN repos/m)
    const sync = await rig.cli(['sync', '--json'])
    expect(sync.code, sync.stderr).toBe(0)
    const start = events(sync.stdout).find((e) => e.type === 'start')
    expect(start?.repos).toBe(truthLines(rig, 'repository').length)
  }, 120_000)
})
