import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {dataDir} from '../../../src/core/store/data-dir.js'
import {openStore, parseStoreUrl} from '../../../src/core/store/open.js'
import {defineStoreSuite} from './store-suite.js'

const dir = mkdtempSync(join(tmpdir(), 'bb-sqlite-'))
let n = 0
afterAll(() => rmSync(dir, {recursive: true, force: true}))

defineStoreSuite('sqlite file', () => openStore(join(dir, `t${++n}.db`)), async (store) => {
  await store.close()
  return openStore(store.description.replace(/^sqlite:/, 'sqlite://'))
})

describe('store location', () => {
  it('defaults to <data dir>/bb-integrate.db and honours BB_INTEGRATE_CONFIG_DIR', () => {
    expect(parseStoreUrl(undefined, {BB_INTEGRATE_CONFIG_DIR: '/cfg'})).toEqual({dialect: 'sqlite', path: '/cfg/bb-integrate.db', description: 'sqlite:/cfg/bb-integrate.db'})
    expect(dataDir({XDG_DATA_HOME: '/xdg'}, 'linux', '/home/u')).toBe('/xdg/bb-integrate')
    expect(dataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/bb-integrate')
    expect(dataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/bb-integrate')
  })

  it('parses sqlite URLs, plain paths and postgres URLs (password never printed)', () => {
    expect(parseStoreUrl('sqlite:///var/x.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/var/x.db'})
    expect(parseStoreUrl('sqlite:rel.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/w/rel.db'})
    expect(parseStoreUrl('data/x.db', {}, '/w')).toMatchObject({dialect: 'sqlite', path: '/w/data/x.db'})
    const pg = parseStoreUrl('postgres://me:s3cret@db:5432/bb', {}, '/w')
    expect(pg.dialect).toBe('postgres')
    expect(pg.description).not.toContain('s3cret')
    expect(() => parseStoreUrl('mysql://x/y', {}, '/w')).toThrow(/Unsupported/)
    expect(() => parseStoreUrl('sqlite:', {}, '/w')).toThrow(/no path/)
  })

  it('uses WAL so a reader in another connection sees committed data while a writer works', async () => {
    const path = join(dir, 'wal.db')
    const a = await openStore(path)
    const b = await openStore(path)
    await a.write({connection: 'c', repositories: [{provider: 'cloud', connection: 'c', key: 'w/r', name: 'r', project: null, isPrivate: true, defaultBranch: null, createdAt: null, updatedAt: null, url: null}]})
    expect(await b.count('repository')).toBe(1)
    await a.close()
    await b.close()
  })
})
