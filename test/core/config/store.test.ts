import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {Connection} from '../../../src/core/config/schema.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {UsageError} from '../../../src/core/errors.js'

function connection(name: string, extra: Partial<Connection> = {}): Connection {
  return {
    name,
    provider: 'cloud',
    url: 'https://api.bitbucket.org/2.0',
    credentials: [],
    selection: [],
    createdAt: '2026-11-22T00:00:00.000Z',
    ...extra,
  }
}

describe('ConfigStore', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-config-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('lives in BB_INTEGRATE_CONFIG_DIR as a 0600 JSON file and round-trips connections', () => {
    const store = new ConfigStore({configDir: dir})
    expect(store.path).toBe(path.join(dir, 'config.json'))
    store.putConnection(connection('work'))
    const reopened = new ConfigStore({configDir: dir})
    expect(reopened.getConnection('work')?.url).toBe('https://api.bitbucket.org/2.0')
    expect(statSync(store.path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(store.path, 'utf8')).defaultConnection).toBe('work')
    // atomic write leaves no temp files behind
    expect(readdirSync(dir)).toEqual(['config.json'])
  })

  it('keeps names with dots intact (no dot-path magic)', () => {
    const store = new ConfigStore({configDir: dir})
    store.putConnection(connection('acme.prod'))
    expect(store.getConnection('acme.prod')?.name).toBe('acme.prod')
    expect(Object.keys(store.read().connections)).toEqual(['acme.prod'])
  })

  it('picks the default connection, or the only one, and forgets a removed default', () => {
    const store = new ConfigStore({configDir: dir})
    expect(store.defaultConnectionName()).toBeUndefined()
    store.putConnection(connection('a'))
    store.putConnection(connection('b'))
    expect(store.defaultConnectionName()).toBe('a')
    store.setDefaultConnection('b')
    expect(store.defaultConnectionName()).toBe('b')
    expect(store.removeConnection('b')).toBe(true)
    expect(store.defaultConnectionName()).toBe('a')
    expect(store.removeConnection('nope')).toBe(false)
  })

  it('stores selections and credential metadata updates', () => {
    const store = new ConfigStore({configDir: dir})
    store.putConnection(connection('c', {credentials: [{
      id: '1', kind: 'oauth', store: 'keychain', principal: 'oauth-consumer:k', clientId: 'k',
      identity: {id: '{u}', displayName: 'U', accountId: null}, scopes: null, expiresAt: 1, createdAt: 'x',
    }]}))
    store.setSelection('c', ['ws/a', 'ws/b', 'ws/a'])
    expect(store.getSelection('c')).toEqual(['ws/a', 'ws/b'])
    store.updateCredential('c', '1', {expiresAt: 99, scopes: ['account']})
    expect(store.getConnection('c')?.credentials[0]).toMatchObject({expiresAt: 99, scopes: ['account']})
    expect(() => store.setSelection('zz', [])).toThrow(UsageError)
  })

  it('refuses a config file that is not valid JSON or not the schema, naming the file', () => {
    const store = new ConfigStore({configDir: dir})
    writeFileSync(store.path, '{not json')
    expect(() => store.read()).toThrow(/config\.json is not valid JSON/)
    writeFileSync(store.path, JSON.stringify({version: 1, connections: {x: {name: 'x', provider: 'gitlab'}}}))
    const error = (() => {
      try {
        store.read()
      } catch (e) {
        return e as UsageError
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.exitCode).toBe(2)
    expect(error?.message).toMatch(/does not match the expected format/)
  })

  it('never accepts a secret-looking field: unknown keys are dropped by the schema on write', () => {
    const store = new ConfigStore({configDir: dir})
    store.update((config) => {
      config.connections.x = {...connection('x'), token: 'ATATT-should-not-persist'} as unknown as Connection
    })
    expect(readFileSync(store.path, 'utf8')).not.toContain('ATATT-should-not-persist')
  })

  it.each([
    ['junk', /is not valid JSON \(Unexpected token/],
    ['', /is empty/],
    ['   \n', /is empty/],
    ['null', /must hold a JSON object, not null/],
    ['[]', /must hold a JSON object, not an array/],
    ['42', /must hold a JSON object, not a number/],
    ['{"connections": []}', /does not match the expected format \(connections:/],
  ])('a corrupt file (%j) is a config_invalid error naming the file, what is wrong and the remedy', (text, what) => {
    writeFileSync(path.join(dir, 'config.json'), text)
    const store = new ConfigStore({configDir: dir})
    let error: unknown
    try {
      store.listConnections()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect(error).toMatchObject({code: 'config_invalid', exitCode: 2})
    expect((error as UsageError).message).toContain(path.join(dir, 'config.json'))
    expect((error as UsageError).message).toMatch(what)
    expect((error as UsageError).remedy).toMatch(/bb-integrate connect/)
    // Nothing is written over a file the user may still want to repair.
    expect(() => store.putConnection(connection('a'))).toThrow(UsageError)
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(text)
  })

  it('keeps the last good config beside it (0600) and names it in the remedy when the file breaks', () => {
    const old = process.umask(0)
    try {
      const store = new ConfigStore({configDir: dir})
      store.putConnection(connection('a'))
      store.putConnection(connection('b'))
      const backup = path.join(dir, 'config.json.bak')
      expect(Object.keys((JSON.parse(readFileSync(backup, 'utf8')) as {connections: object}).connections)).toEqual(['a'])
      expect(statSync(backup).mode & 0o777).toBe(0o600)
      expect(statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600)
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
      writeFileSync(path.join(dir, 'config.json'), '{"connections":')
      expect(() => store.read()).toThrow(expect.objectContaining({remedy: expect.stringContaining(`cp ${backup}`)}))
    } finally {
      process.umask(old)
    }
  })
})
