import {promises as dns} from 'node:dns'
import {readFile} from 'node:fs/promises'
import net from 'node:net'
import tls from 'node:tls'

import {classifyTransportError, describeTransportFailure} from '../http/network-errors.js'

export interface ReachOptions {
  timeoutMs: number
  /** PEM with extra CAs (the connection's --ca-file). NODE_EXTRA_CA_CERTS is honoured too. */
  caFile?: string
  /** Proxies and NODE_EXTRA_CA_CERTS are read from here. */
  env: NodeJS.ProcessEnv
}

export interface ReachResult {
  ok: boolean
  /** The stage that failed, or 'ok'. */
  stage: 'dns' | 'tcp' | 'tls' | 'ok'
  host: string
  port: number
  detail: string
  remedy: string | null
  /** The transport error code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…), when one failed. */
  code: string | null
  /** Set when requests go through this proxy (HTTPS_PROXY/HTTP_PROXY, not excluded by NO_PROXY). */
  proxy?: string
}

/** The proxy the HTTP client would use for `url`, following the usual HTTPS_PROXY / NO_PROXY rules. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | null {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v && v.trim() !== '') ?? null
  const proxy = url.protocol === 'https:' ? pick('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy') : pick('HTTP_PROXY', 'http_proxy')
  if (!proxy) return null
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (const raw of (pick('NO_PROXY', 'no_proxy') ?? '').split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return null
    const [name = '', entryPort] = entry.split(':')
    if (entryPort && entryPort !== port) continue
    const bare = name.replace(/^\*?\./, '')
    if (host === bare || host.endsWith(`.${bare}`)) return null
  }
  return proxy
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), {code: 'ETIMEDOUT'})), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function caBundle(options: ReachOptions): Promise<string[] | undefined> {
  if (!options.caFile) return undefined // Node's default store, which already includes NODE_EXTRA_CA_CERTS.
  // Passing `ca` replaces the default store: add the roots and NODE_EXTRA_CA_CERTS back.
  const extra = options.env.NODE_EXTRA_CA_CERTS
  const files = [options.caFile, ...(extra ? [extra] : [])]
  const pems = await Promise.all(files.map((f) => readFile(f, 'utf8')))
  return [...tls.rootCertificates, ...pems]
}

/**
 * DNS, then TCP, then (https) a TLS handshake with certificate verification — one stage at a time so
 * the row can say which one failed. Uses the same trust settings as the HTTP client.
 */
export async function probeReachability(url: string, options: ReachOptions): Promise<ReachResult> {
  const u = new URL(url)
  const secure = u.protocol === 'https:'
  const host = u.hostname.replace(/^\[|\]$/g, '')
  const port = Number(u.port || (secure ? 443 : 80))
  const base = {host, port}
  const proxy = proxyFor(u, options.env)
  if (proxy) {
    // A direct connection proves nothing (and may be blocked) when requests go through a proxy;
    // the credential rows exercise the real path.
    let shown = proxy
    try {
      const p = new URL(proxy)
      shown = `${p.protocol}//${p.host}`
    } catch {
      // not a URL: show it as given, minus anything that looks like credentials
      shown = proxy.replace(/\/\/[^@/]*@/, '//')
    }
    return {...base, ok: true, stage: 'ok', detail: `requests to ${host}:${port} go through the proxy ${shown}; direct DNS/TCP/TLS checks skipped (the credential rows test the proxied path).`, remedy: null, code: null, proxy: shown}
  }
  const fail = (stage: ReachResult['stage'], err: unknown): ReachResult => {
    const failure = classifyTransportError(err)
    const described = describeTransportFailure(failure, `${host}:${port}`, options.timeoutMs)
    return {...base, ok: false, stage, detail: described.message, remedy: described.remedy ?? null, code: failure.code}
  }

  let address = host
  if (!net.isIP(host)) {
    try {
      address = (await withTimeout(dns.lookup(host), options.timeoutMs, `DNS lookup of ${host}`)).address
    } catch (err) {
      return fail('dns', err)
    }
  }

  const started = Date.now()
  let socket: net.Socket
  try {
    socket = await withTimeout(
      new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({host: address, port})
        s.once('connect', () => resolve(s))
        s.once('error', (e) => {
          s.destroy()
          reject(e)
        })
      }),
      options.timeoutMs,
      `TCP connect to ${host}:${port}`,
    )
  } catch (err) {
    return fail('tcp', err)
  }
  const tcpMs = Date.now() - started

  if (!secure) {
    socket.destroy()
    return {...base, ok: true, stage: 'ok', detail: `${host}:${port} reachable over plain HTTP (TCP ${tcpMs} ms, ${address}); credentials travel unencrypted`, remedy: null, code: null}
  }

  try {
    const ca = await caBundle(options)
    const secured = await withTimeout(
      new Promise<tls.TLSSocket>((resolve, reject) => {
        // `host` names what the certificate must match (an IP SAN for 127.0.0.1); SNI only for names.
        const t = tls.connect({socket, host, servername: net.isIP(host) ? undefined : host, ca, rejectUnauthorized: true})
        t.once('secureConnect', () => resolve(t))
        t.once('error', (e) => {
          t.destroy()
          reject(e)
        })
      }),
      options.timeoutMs,
      `TLS handshake with ${host}:${port}`,
    )
    const protocol = secured.getProtocol()
    secured.destroy()
    return {...base, ok: true, stage: 'ok', detail: `${host}:${port} reachable (${address}, TCP ${tcpMs} ms, ${protocol ?? 'TLS'}, certificate trusted)`, remedy: null, code: null}
  } catch (err) {
    socket.destroy()
    return fail('tls', err)
  }
}
