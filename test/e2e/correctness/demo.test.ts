/**
 * `demo` cleans up after itself (issue 11, item 8): the temporary directory it made, with the tour's
 * plain secrets file, is gone when it ends; a --config-dir the user chose is kept.
 */
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'

let tmp: string
beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(path.join(tmpdir(), 'bbi-demo-tmp-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('demo', () => {
  it('removes the temporary directory it created, secrets file included', async () => {
    const r = await runCli(['demo', '--dataset', 'tiny', '--json'], {timeoutMs: 120_000, env: {TMPDIR: tmp, BB_INTEGRATE_TOKEN: undefined, CI: undefined}})
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as {configDir: string}
    expect(result.configDir.startsWith(tmp)).toBe(true)
    expect(existsSync(result.configDir)).toBe(false)
    expect(readdirSync(tmp).filter((f) => f.startsWith('bb-integrate-demo-'))).toEqual([])
  }, 150_000)
})
