import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {RequestListener} from 'node:http'
import {MockAgent} from 'undici'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {InterruptedError, NetworkError, UsageError} from '../../../src/core/errors.js'
import {createHttpClient} from '../../../src/core/http/client.js'
import type {HttpClientOptions} from '../../../src/core/http/types.js'
import {FakeClock} from './fake-clock.js'
import {credential} from './helpers.js'
import type {Proxy, Running, SelfSigned} from './loopback.js'
import {selfSigned, startConnectProxy, startHttp, startHttps} from './loopback.js'

const NO_PROXY_ENV = {}
let tls: SelfSigned
let wrongName: SelfSigned
let https: Running
let httpsWrongName: Running
const seenAuth: string[] = []

const hello: RequestListener = (req, res) => {
  seenAuth.push(req.headers.authorization ?? '')
  res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({path: req.url}))
}

function client(overrides: Partial<HttpClientOptions>) {
  return createHttpClient({
    baseUrl: `${https.origin}/rest`,
    provider: 'datacenter',
    credentials: [credential('pat/1', 'dc-user:jdoe', 'loopback-secret-token-1')],
    clock: new FakeClock(),
    random: () => 0,
    env: NO_PROXY_ENV,
    timeoutMs: 2000,
    ...overrides,
  })
}

beforeAll(async () => {
  tls = selfSigned('IP:127.0.0.1')
  wrongName = selfSigned('DNS:bitbucket.example.invalid')
  https = await startHttps(tls, hello)
  httpsWrongName = await startHttps(wrongName, hello)
})

afterAll(async () => {
  await https?.close()
  await httpsWrongName?.close()
  tls?.cleanup()
  wrongName?.cleanup()
})

describe('real TLS on 127.0.0.1', () => {
  it('trusts a self-signed server with caFile and still sends the credential', async () => {
    const c = client({caFile: tls.certFile})
    try {
      const res = await c.request<{path: string}>('/api/latest/projects', {query: {limit: 1}})
      expect(res.status).toBe(200)
      expect(res.body).toEqual({path: '/rest/api/latest/projects?limit=1'})
      expect(seenAuth.at(-1)).toBe('Bearer loopback-secret-token-1')
    } finally {
      await c.close()
    }
  })

  it('fails without caFile with a NetworkError naming the host and the remedy', async () => {
    const c = client({})
    try {
      const err = await c.request('/api/latest/projects').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NetworkError)
      const e = err as NetworkError
      expect(e.code).toBe('network_tls')
      expect(e.message).toContain(`127.0.0.1:${https.port}`)
      expect(e.remedy).toMatch(/--ca-file/)
      expect(e.remedy).toMatch(/NODE_EXTRA_CA_CERTS/)
      expect(c.stats().requests).toBe(1)
    } finally {
      await c.close()
    }
  })

  it('reports a host name mismatch as a TLS failure, not retried', async () => {
    const c = client({caFile: wrongName.certFile, baseUrl: `${httpsWrongName.origin}/rest`})
    try {
      const err = await c.request('/x').catch((e: unknown) => e)
      expect(err).toMatchObject({code: 'network_tls'})
      expect((err as NetworkError).details).toMatchObject({errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID'})
      expect(c.stats().requests).toBe(1)
    } finally {
      await c.close()
    }
  })

  it('keeps NODE_EXTRA_CA_CERTS trusted when caFile is given too', async () => {
    const c = client({caFile: wrongName.certFile, env: {NODE_EXTRA_CA_CERTS: tls.certFile}})
    try {
      expect((await c.request('/x')).status).toBe(200)
    } finally {
      await c.close()
    }
  })

  it('refuses a missing or non-PEM CA file with a UsageError naming the path', () => {
    const missing = join(tls.dir, 'nope.pem')
    expect(() => client({caFile: missing})).toThrow(UsageError)
    expect(() => client({caFile: missing})).toThrow(missing)
    const junk = join(tls.dir, 'junk.pem')
    writeFileSync(junk, 'not a certificate')
    expect(() => client({caFile: junk})).toThrow(/holds no PEM certificate/)
  })
})

describe('proxies', () => {
  let proxy: Proxy
  beforeAll(async () => {
    proxy = await startConnectProxy()
  })
  afterAll(async () => proxy?.close())

  it('tunnels through HTTPS_PROXY from the process environment', async () => {
    const saved = {HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY}
    process.env.HTTPS_PROXY = proxy.origin
    process.env.NO_PROXY = ''
    let c
    try {
      c = client({caFile: tls.certFile, env: undefined})
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    try {
      const before = proxy.tunnels.length
      const res = await c.request('/api/latest/projects')
      expect(res.status).toBe(200)
      expect(proxy.tunnels.slice(before)).toEqual([`127.0.0.1:${https.port}`])
    } finally {
      await c.close()
    }
  })

  it('skips the proxy for NO_PROXY hosts', async () => {
    const c = client({caFile: tls.certFile, env: {HTTPS_PROXY: proxy.origin, NO_PROXY: '127.0.0.1'}})
    try {
      const before = proxy.tunnels.length
      expect((await c.request('/api/latest/projects')).status).toBe(200)
      expect(proxy.tunnels.length).toBe(before)
    } finally {
      await c.close()
    }
  })

  it('explains a proxy that wants credentials (407), without retrying', async () => {
    const strict = await startConnectProxy({refuseWith: 407})
    const c = client({caFile: tls.certFile, env: {HTTPS_PROXY: strict.origin}})
    try {
      const err = await c.request('/x').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NetworkError)
      expect(err).toMatchObject({code: 'network_proxy'})
      expect((err as NetworkError).remedy).toMatch(/HTTPS_PROXY/)
      expect(strict.tunnels).toHaveLength(1)
    } finally {
      await c.close()
      await strict.close()
    }
  })

  it('uses HTTP_PROXY for an http:// base URL', async () => {
    const plain = await startHttp(hello)
    const c = client({baseUrl: `${plain.origin}/rest`, env: {HTTP_PROXY: proxy.origin}})
    try {
      const before = proxy.tunnels.length
      expect((await c.request('/x')).status).toBe(200)
      expect(proxy.tunnels.slice(before)).toEqual([`127.0.0.1:${plain.port}`])
    } finally {
      await c.close()
      await plain.close()
    }
  })
})

describe('transport failures', () => {
  it('times out a silent server per attempt and retries GET', async () => {
    let hits = 0
    const silent = await startHttp(() => {
      hits++ // never answers
    })
    const c = client({baseUrl: `${silent.origin}/rest`, timeoutMs: 150, retry: {maxAttempts: 2}})
    try {
      const err = await c.request('/slow').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NetworkError)
      expect(err).toMatchObject({code: 'network_timeout'})
      expect((err as Error).message).toMatch(/did not answer within 150 ms/)
      expect(hits).toBe(2)
    } finally {
      await c.close()
      await silent.close()
    }
  })

  it('aborts an in-flight request with InterruptedError', async () => {
    const silent = await startHttp(() => {})
    const c = client({baseUrl: `${silent.origin}/rest`})
    const controller = new AbortController()
    try {
      const pending = c.request('/slow', {signal: controller.signal}).catch((e: unknown) => e)
      setTimeout(() => controller.abort(), 50)
      const err = await pending
      expect(err).toBeInstanceOf(InterruptedError)
      expect(c.stats().retries).toBe(0)
    } finally {
      await c.close()
      await silent.close()
    }
  })

  it('names the host when the connection is refused', async () => {
    const gone = await startHttp(hello)
    const origin = gone.origin
    await gone.close()
    const c = client({baseUrl: `${origin}/rest`, retry: {maxAttempts: 2}})
    try {
      const err = await c.request('/x').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NetworkError)
      expect(err).toMatchObject({code: 'network_refused'})
      expect((err as Error).message).toContain(origin.replace('http://', ''))
      expect(c.stats()).toMatchObject({requests: 2, retries: 1})
    } finally {
      await c.close()
    }
  })

  it('names the host for DNS failures and does not retry them', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get('https://bitbucket.corp.example').intercept({path: '/rest/x', method: 'GET'})
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND bitbucket.corp.example'), {code: 'ENOTFOUND'}))
    const c = client({baseUrl: 'https://bitbucket.corp.example/rest', dispatcher: agent})
    const err = await c.request('/x').catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'network_dns'})
    expect((err as Error).message).toContain('Cannot resolve host bitbucket.corp.example')
    await agent.close()
  })
})
