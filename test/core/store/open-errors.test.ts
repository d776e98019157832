import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {BbError} from '../../../src/core/errors.js'
import {openStore} from '../../../src/core/store/open.js'
import {freePort} from '../../helpers/net.js'

const dir = mkdtempSync(path.join(tmpdir(), 'bbi-open-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('openStore: a store that cannot be opened says which one and what to check', () => {
  it('PostgreSQL not reachable: store_unavailable, the URL with its password redacted, a remedy', async () => {
    const port = await freePort()
    const error = await openStore(`postgres://bob:hunter2pw@127.0.0.1:${port}/bb`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BbError)
    expect(error).toMatchObject({code: 'store_unavailable', exitCode: 1})
    expect((error as BbError).message).toContain(`Could not open the store postgres://bob:***@127.0.0.1:${port}/bb`)
    expect((error as BbError).message).not.toContain('hunter2pw')
    expect((error as BbError).remedy).toMatch(/--store/)
  })

  it('SQLite path under a regular file: store_unavailable naming the path', async () => {
    const file = path.join(dir, 'not-a-dir')
    writeFileSync(file, 'x')
    const error = await openStore(path.join(file, 'bb.db')).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'store_unavailable'})
    expect((error as BbError).message).toContain(`Could not open the store sqlite:${path.join(file, 'bb.db')}`)
  })
})
