import {readFileSync} from 'node:fs'
import {rootCertificates} from 'node:tls'
import {EnvHttpProxyAgent} from 'undici'
import type {Dispatcher} from 'undici'
import {UsageError} from '../errors.js'

export interface DefaultDispatcherOptions {
  caFile?: string
  env?: NodeJS.ProcessEnv
}

// Sockets idle this long are closed; long enough to reuse them across a sync's page requests.
const KEEP_ALIVE_MS = 30_000

/**
 * The production dispatcher: keep-alive connections through HTTPS_PROXY / HTTP_PROXY unless
 * NO_PROXY says otherwise, trusting Node's public roots plus the PEM in `caFile` (a private CA).
 */
export function createDefaultDispatcher(options: DefaultDispatcherOptions = {}): Dispatcher {
  // With an environment, empty strings rather than undefined: undici would otherwise fall back to the
  // process's own variables behind our back. Without one, that fallback is what the caller asked for.
  const {env} = options
  const tls = options.caFile === undefined ? {} : {ca: [...rootCertificates, ...extraCerts(env ?? {}), readCaFile(options.caFile)]}
  const agent = new EnvHttpProxyAgent({
    ...(env ? {
      httpProxy: env.http_proxy || env.HTTP_PROXY || '',
      httpsProxy: env.https_proxy || env.HTTPS_PROXY || '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    } : {}),
    keepAliveTimeout: KEEP_ALIVE_MS,
    // `connect` secures direct connections; `requestTls` the tunnel through a proxy to the server.
    connect: tls,
    requestTls: tls,
  })
  if (env && proxyConfigured(env)) proxied.add(agent)
  return agent
}

const proxied = new WeakSet<Dispatcher>()

/** Whether this dispatcher was built to route through a proxy from its environment (for error remedies). */
export function routesThroughProxy(dispatcher: Dispatcher): boolean {
  return proxied.has(dispatcher)
}

// An explicit `ca` replaces Node's whole default store, NODE_EXTRA_CA_CERTS included: add them back.
// Node already warned at startup if that file is unreadable, so a failure here is not repeated.
function extraCerts(env: NodeJS.ProcessEnv): string[] {
  const path = env.NODE_EXTRA_CA_CERTS
  if (!path) return []
  try {
    return [readFileSync(path, 'utf8')]
  } catch {
    return []
  }
}

/** Whether the environment routes requests through a proxy (for error remedies). */
export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.http_proxy || env.HTTP_PROXY || env.https_proxy || env.HTTPS_PROXY)
}

export function readCaFile(path: string): string {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as {code?: string}).code ?? 'unreadable'
    throw new UsageError(`Cannot read the CA file ${path} (${code}).`, {
      remedy: 'Pass --ca-file the path of a readable PEM file with the CA certificate(s).',
      code: 'ca_file',
    })
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`The CA file ${path} holds no PEM certificate.`, {
      remedy: 'Pass --ca-file a PEM file (text starting with -----BEGIN CERTIFICATE-----).',
      code: 'ca_file',
    })
  }
  return pem
}
