import {createServer} from 'node:net'
import {describe, expect, it} from 'vitest'

import {probeReachability, proxyFor} from '../../../src/core/validate/net.js'

describe('proxyFor', () => {
  const env = {HTTPS_PROXY: 'http://user:pw@proxy.corp:3128', NO_PROXY: 'localhost,.internal.corp,bb.local:7990'}
  it('uses HTTPS_PROXY unless NO_PROXY excludes the host (suffix, exact, port)', () => {
    expect(proxyFor(new URL('https://api.bitbucket.org/2.0'), env)).toBe('http://user:pw@proxy.corp:3128')
    expect(proxyFor(new URL('https://git.internal.corp'), env)).toBeNull()
    expect(proxyFor(new URL('https://bb.local:7990'), env)).toBeNull()
    expect(proxyFor(new URL('https://bb.local:8443'), env)).not.toBeNull()
    expect(proxyFor(new URL('http://127.0.0.1:1'), env)).toBeNull() // plain HTTP: HTTP_PROXY only
    expect(proxyFor(new URL('https://x.y'), {...env, NO_PROXY: '*'})).toBeNull()
  })
})

describe('probeReachability', () => {
  it('with a proxy, reports it (credentials hidden) instead of a direct connection', async () => {
    const r = await probeReachability('https://api.bitbucket.org/2.0', {timeoutMs: 500, env: {HTTPS_PROXY: 'http://user:pw@proxy.corp:3128'}})
    expect(r.ok).toBe(true)
    expect(r.proxy).toBe('http://proxy.corp:3128')
    expect(r.detail).not.toContain('pw')
  })

  it('DNS failure is named as such', async () => {
    const r = await probeReachability('https://no-such-host.invalid/2.0', {timeoutMs: 2000, env: {}})
    expect(r.ok).toBe(false)
    expect(r.stage).toBe('dns')
  })

  it('an open plain-HTTP port passes; a closed one fails at TCP', async () => {
    const server = createServer((s) => s.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as {port: number}
    const ok = await probeReachability(`http://127.0.0.1:${port}`, {timeoutMs: 1000, env: {}})
    expect(ok).toMatchObject({ok: true, stage: 'ok'})
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const down = await probeReachability(`http://127.0.0.1:${port}`, {timeoutMs: 1000, env: {}})
    expect(down).toMatchObject({ok: false, stage: 'tcp', code: 'ECONNREFUSED'})
  })
})
