import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Writable} from 'node:stream'

import {afterEach, describe, expect, it} from 'vitest'

import {withFactories} from '../../src/context-factories.js'
import type {ContextParts} from '../../src/context.js'
import {MemoryStore} from '../../src/core/auth/memory-store.js'
import {serializeSecret} from '../../src/core/auth/secret.js'
import {systemClock} from '../../src/core/clock.js'
import {readEnv} from '../../src/core/env.js'
import {selfSigned} from '../core/http/loopback.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function parts(processEnv: Record<string, string>): ContextParts & {stderr: () => string} {
  let text = ''
  const stderr = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk)
      done()
    },
  })
  return {
    env: readEnv(processEnv),
    processEnv,
    cwd: tmpdir(),
    clock: systemClock,
    io: {stdout: stderr, stderr, stdin: process.stdin, color: false, interactive: false, setExitCode: () => undefined},
    signals: {onInterrupt: () => () => undefined, exitNow: (code) => {
      throw new Error(`exit ${code}`)
    }},
    stderr: () => text,
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bbi-ctx-'))
  dirs.push(dir)
  return dir
}

describe('the command context factories', () => {
  it('build the config store once, in the config dir of the context env', async () => {
    const dir = tempDir()
    const ctx = withFactories(parts({BB_INTEGRATE_CONFIG_DIR: dir}))
    const a = await ctx.configStore()
    expect(await ctx.configStore()).toBe(a)
    expect(a.dir).toBe(dir)
  })

  it('share one dispatcher per CA file and close them with the context', async () => {
    const dir = tempDir()
    const ctx = withFactories(parts({BB_INTEGRATE_CONFIG_DIR: dir}))
    const plain = await ctx.httpDispatcher()
    expect(await ctx.httpDispatcher()).toBe(plain)
    const tls = selfSigned('IP:127.0.0.1')
    dirs.push(tls.dir)
    const custom = await ctx.httpDispatcher(tls.certFile)
    expect(await ctx.httpDispatcher(tls.certFile)).toBe(custom)
    expect(custom).not.toBe(plain)
    await ctx.close()
    expect((plain as unknown as {closed: boolean}).closed).toBe(true)
    expect((custom as unknown as {closed: boolean}).closed).toBe(true)
  })

  it('hand every reader the injected secret store, and open connections with it', async () => {
    const dir = tempDir()
    const memory = new MemoryStore()
    const ctx = withFactories(parts({BB_INTEGRATE_CONFIG_DIR: dir}), {secretStores: memory})
    expect((await ctx.secretStores())('keychain')).toBe(memory)
    expect((await ctx.secretStores({quiet: true}))('file')).toBe(memory)
    const config = await ctx.configStore()
    config.putConnection({
      name: 'default', provider: 'cloud', url: 'https://api.bitbucket.org/2.0', selection: [], createdAt: new Date(0).toISOString(),
      credentials: [{id: '1', kind: 'access-token', store: 'keychain', principal: 'repo:acme/api', target: 'acme/api', identity: {id: 'x', displayName: null, accountId: null}, scopes: null, expiresAt: null, createdAt: new Date(0).toISOString()}],
    })
    // The secret is missing from the injected store: the keychain is never asked.
    await expect(ctx.openConnection()).rejects.toMatchObject({code: 'no_credentials'})
    await memory.set('default/1', serializeSecret({kind: 'access-token', token: 'in-memory-value'}))
    const opened = await ctx.openConnection()
    try {
      expect(opened.source).toBe('config')
      expect(opened.credentials.map((c) => c.id)).toEqual(['default/1'])
    } finally {
      await opened.close()
    }
    await ctx.close()
  })

  it('open the default store the test names when the command names none', async () => {
    const dir = tempDir()
    const ctx = withFactories(parts({BB_INTEGRATE_CONFIG_DIR: dir}), {defaultStoreUrl: 'sqlite::memory:'})
    const store = await ctx.openStore()
    try {
      expect(store.description).toBe('sqlite::memory:')
    } finally {
      await store.close()
    }
  })
})
