import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {FileStore} from '../../../src/core/auth/file-store.js'
import {KeychainStore, KeychainUnavailableError, type KeyringEntry} from '../../../src/core/auth/keychain-store.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import {parseSecret, serializeSecret} from '../../../src/core/auth/secret.js'
import {createSecretStoreResolver} from '../../../src/core/auth/stores.js'

describe('FileStore', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-secrets-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('writes a 0600 file atomically, reads back, deletes, and warns on every use', async () => {
    const warnings: string[] = []
    const file = path.join(dir, 'secrets.json')
    const store = new FileStore({path: file, warn: (m) => warnings.push(m)})
    expect(await store.get('default/1')).toBeNull()
    await store.set('default/1', 's3cret-one')
    await store.set('default/2', 's3cret-two')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['secrets.json'])
    expect(await store.get('default/1')).toBe('s3cret-one')
    expect(await store.delete('default/1')).toBe(true)
    expect(await store.delete('default/1')).toBe(false)
    expect(JSON.parse(readFileSync(file, 'utf8')).secrets).toEqual({'default/2': 's3cret-two'})
    expect(await store.delete('default/2')).toBe(true)
    expect(readdirSync(dir)).toEqual([])
    expect(warnings).toHaveLength(7)
    expect(warnings[0]).toBe(`Warning: secrets stored in plain file ${file} (--allow-insecure-store)`)
  })

  it('reports a corrupt file without printing its content', async () => {
    const file = path.join(dir, 'secrets.json')
    writeFileSync(file, 'garbage-with-secret-XYZ')
    const store = new FileStore({path: file, warn: () => undefined})
    await expect(store.get('a')).rejects.toThrow(/is not valid/)
    await expect(store.get('a')).rejects.not.toThrow(/XYZ/)
  })

  it('the resolver warns once per process about the plain file, not on every call', async () => {
    const warnings: string[] = []
    const resolve = createSecretStoreResolver({configDir: dir, warn: (m) => warnings.push(m)})
    const store = resolve('file')
    await store.set('a', 'x')
    await store.get('a')
    expect(resolve('file')).toBe(store)
    expect(warnings).toEqual([`Warning: secrets stored in plain file ${path.join(dir, 'secrets.json')} (--allow-insecure-store)`])
    // A second resolver in the same process (a command opening the stores from two places): still once.
    const again = createSecretStoreResolver({configDir: dir, warn: (m) => warnings.push(m)})
    await again('file').get('a')
    expect(warnings).toHaveLength(1)
  })
})

describe('KeychainStore', () => {
  function entries(map: Map<string, string>): (service: string, account: string) => KeyringEntry {
    return (service, account) => ({
      getPassword: async () => map.get(`${service}|${account}`) ?? null,
      setPassword: async (p) => void map.set(`${service}|${account}`, p),
      deletePassword: async () => map.delete(`${service}|${account}`),
    })
  }

  it('stores under service "bb-integrate" with the account name', async () => {
    const map = new Map<string, string>()
    const store = new KeychainStore({entryFactory: entries(map)})
    await store.set('default/1', 'v')
    expect([...map.keys()]).toEqual(['bb-integrate|default/1'])
    expect(await store.get('default/1')).toBe('v')
    expect(await store.delete('default/1')).toBe(true)
    expect(await store.get('default/1')).toBeNull()
  })

  it('gives up on a hanging keychain after the timeout with a clear error and remedy', async () => {
    let aborted = false
    const store = new KeychainStore({
      timeoutMs: 150,
      entryFactory: () => ({
        getPassword: (signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => {
          aborted = true
          reject(new Error('aborted'))
        })),
        setPassword: () => new Promise(() => undefined),
        deletePassword: () => new Promise(() => undefined),
      }),
    })
    const started = Date.now()
    const error = await store.set('default/1', 'secret-value').catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect((error as KeychainUnavailableError).message).toMatch(/^OS keychain not reachable \(could not write default\/1: no answer within 150 ms\)/)
    expect((error as KeychainUnavailableError).remedy).toMatch(/--allow-insecure-store/)
    expect((error as KeychainUnavailableError).remedy).toMatch(/BB_INTEGRATE_TOKEN/)
    expect(String(error)).not.toContain('secret-value')
    await expect(store.get('x')).rejects.toBeInstanceOf(KeychainUnavailableError)
    expect(aborted).toBe(true)
  })

  it('maps platform failures (no D-Bus, locked collection) to the same error, never a fallback', async () => {
    const store = new KeychainStore({
      entryFactory: () => {
        throw Object.assign(new Error('Platform failure: DBus error: set your DBUS_SESSION_BUS_ADDRESS'), {code: 'GenericFailure'})
      },
    })
    await expect(store.get('a')).rejects.toThrow(/OS keychain not reachable .*DBUS_SESSION_BUS_ADDRESS/)
  })

  it('fails fast without a Secret Service on this machine (real binding, no D-Bus session)', async () => {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS
    delete process.env.DBUS_SESSION_BUS_ADDRESS
    try {
      const store = new KeychainStore({timeoutMs: 5000})
      await expect(store.get('bbi-test/none')).rejects.toBeInstanceOf(KeychainUnavailableError)
    } finally {
      if (saved !== undefined) process.env.DBUS_SESSION_BUS_ADDRESS = saved
    }
  })
})

describe('MemoryStore and secret encoding', () => {
  it('round-trips every secret kind and rejects corrupt entries without echoing them', async () => {
    const store = new MemoryStore()
    const oauth = {kind: 'oauth', accessToken: 'a', refreshToken: 'r', expiresAt: 5, clientSecret: 'c'} as const
    await store.set('x/1', serializeSecret(oauth))
    expect(parseSecret((await store.get('x/1')) as string, 'x/1')).toEqual(oauth)
    expect(() => parseSecret('{"kind":"api-token","token":""}', 'x/2')).toThrow(/x\/2 is unreadable/)
    expect(() => parseSecret('tok-LEAK', 'x/3')).not.toThrow(/LEAK/)
    store.failWith = new Error('down')
    await expect(store.get('x/1')).rejects.toThrow('down')
  })
})
