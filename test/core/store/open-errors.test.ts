import {existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
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

describe('openStore: owner-only, version-checked, read-only when asked', () => {
  it('creates the data dir 0700 and the store 0600 even under umask 000', async () => {
    const old = process.umask(0)
    try {
      const home = path.join(dir, 'fresh-data')
      const store = await openStore(undefined, {BB_INTEGRATE_CONFIG_DIR: home})
      await store.write({connection: 'c', repositories: []})
      await store.close()
      expect(statSync(home).mode & 0o777).toBe(0o700)
      expect(statSync(path.join(home, 'bb-integrate.db')).mode & 0o777).toBe(0o600)
    } finally {
      process.umask(old)
    }
  })

  it('refuses a store a newer version migrated (exit 2), without writing to it', async () => {
    const file = path.join(dir, 'future.db')
    await (await openStore(file)).close()
    const raw = new Database(file)
    raw.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(99, '2030-01-01T00:00:00.000Z', 'from the future')
    raw.close()
    const error = await openStore(file).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'store_too_new', exitCode: 2})
    expect((error as BbError).message).toMatch(/written by a newer bb-integrate \(schema version 99/)
    expect((error as BbError).remedy).toMatch(/Upgrade/)
    await expect(openStore(file, process.env, {readOnly: true})).rejects.toMatchObject({code: 'store_too_new'})
  })

  it('read-only: a missing store is exit 2 and no file is created', async () => {
    const file = path.join(dir, 'nowhere', 'none.db')
    const error = await openStore(file, process.env, {readOnly: true}).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'store_missing', exitCode: 2})
    expect(existsSync(path.dirname(file))).toBe(false)
  })
})
