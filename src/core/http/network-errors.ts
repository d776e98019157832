/**
 * How a transport failure (no HTTP status) is retried:
 * - `always`: the request provably never reached the server (refused, DNS hiccup, connect timeout),
 *   so even a POST may be sent again;
 * - `idempotent`: the request may have been processed (reset mid-flight, timeout waiting for the
 *   answer), so only GET is sent again;
 * - `never`: retrying cannot help (TLS trust, unknown host).
 */
export type RetryScope = 'always' | 'idempotent' | 'never'

export type TransportKind = 'tls' | 'dns' | 'refused' | 'connect-timeout' | 'reset' | 'timeout' | 'unreachable' | 'proxy' | 'other'

export interface TransportFailure {
  kind: TransportKind
  code: string | null
  retry: RetryScope
  /** The proxy's HTTP status when it refused to open a tunnel. */
  proxyStatus?: number
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED', 'CERT_REVOKED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
])
const RESET_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ECONNABORTED',
])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])

/** Codes hide in the cause chain and in aggregated errors (one per address tried). */
function codesOf(err: unknown): string[] {
  const codes: string[] = []
  let current: unknown = err
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string') codes.push(code)
    // Happy-eyeballs connects fail with an AggregateError holding one error per address tried.
    const inner = (current as {errors?: unknown}).errors
    if (Array.isArray(inner)) {
      for (const e of inner) {
        const c = (e as {code?: unknown} | null)?.code
        if (typeof c === 'string') codes.push(c)
      }
    }
    current = (current as {cause?: unknown}).cause
  }
  return codes
}

export function classifyTransportError(err: unknown): TransportFailure {
  const codes = codesOf(err)
  const message = err instanceof Error ? err.message : String(err)
  const has = (set: Set<string>) => codes.find((c) => set.has(c)) ?? null
  // undici reports a refused CONNECT only in its message: "Proxy response (407) !== 200 when HTTP Tunneling".
  const proxy = /Proxy response \((\d{3})\)/.exec(message)
  if (proxy) return {kind: 'proxy', code: codes[0] ?? null, retry: 'never', proxyStatus: Number(proxy[1])}
  const tls = has(TLS_CODES) ?? codes.find((c) => c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_')) ?? null
  if (tls) return {kind: 'tls', code: tls, retry: 'never'}
  if (codes.includes('ENOTFOUND')) return {kind: 'dns', code: 'ENOTFOUND', retry: 'never'}
  if (codes.includes('EAI_AGAIN')) return {kind: 'dns', code: 'EAI_AGAIN', retry: 'always'}
  if (codes.includes('ECONNREFUSED')) return {kind: 'refused', code: 'ECONNREFUSED', retry: 'always'}
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) return {kind: 'connect-timeout', code: 'UND_ERR_CONNECT_TIMEOUT', retry: 'always'}
  const unreachable = codes.find((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH') ?? null
  if (unreachable) return {kind: 'unreachable', code: unreachable, retry: 'always'}
  const reset = has(RESET_CODES)
  if (reset || /socket hang up|other side closed|terminated/i.test(message)) {
    return {kind: 'reset', code: reset, retry: 'idempotent'}
  }
  const timeout = has(TIMEOUT_CODES)
  if (timeout) return {kind: 'timeout', code: timeout, retry: 'idempotent'}
  return {kind: 'other', code: codes[0] ?? null, retry: 'never'}
}

const PROXY_HINT = ' A proxy is configured (HTTPS_PROXY/HTTP_PROXY): check it is reachable, or list the host in NO_PROXY.'

/** `proxied`: requests may go through a proxy from the environment, which could be the real culprit. */
export function describeTransportFailure(
  failure: TransportFailure,
  host: string,
  timeoutMs: number,
  proxied = false,
): {message: string; remedy?: string} {
  const described = describe(failure, host, timeoutMs)
  const connectKinds: TransportKind[] = ['dns', 'refused', 'connect-timeout', 'unreachable']
  if (proxied && connectKinds.includes(failure.kind)) described.remedy = `${described.remedy ?? ''}${PROXY_HINT}`.trim()
  return described
}

function describe(failure: TransportFailure, host: string, timeoutMs: number): {message: string; remedy?: string} {
  const code = failure.code ? ` (${failure.code})` : ''
  switch (failure.kind) {
    case 'tls':
      return {
        message: `TLS connection to ${host} failed: the server's certificate is not trusted${code}.`,
        remedy: 'If the server uses a private or self-signed CA, pass its PEM with --ca-file (or set NODE_EXTRA_CA_CERTS); check the host name matches the certificate.',
      }
    case 'dns':
      return {message: `Cannot resolve host ${host}${code}.`, remedy: 'Check the base URL and your DNS or proxy settings (HTTPS_PROXY, NO_PROXY).'}
    case 'refused':
      return {message: `Connection to ${host} refused${code}.`, remedy: 'Check the base URL and port, and that the server is running.'}
    case 'connect-timeout':
      return {message: `Connecting to ${host} timed out${code}.`, remedy: 'Check the network, firewall or proxy settings (HTTPS_PROXY, NO_PROXY).'}
    case 'unreachable':
      return {message: `Host ${host} is unreachable${code}.`, remedy: 'Check the network, VPN or proxy settings.'}
    case 'reset':
      return {message: `Connection to ${host} was closed before the answer was complete${code}.`}
    case 'proxy':
      return {
        message: `The proxy refused to open a tunnel to ${host} (HTTP ${failure.proxyStatus ?? '?'}).`,
        remedy: failure.proxyStatus === 407
          ? 'The proxy wants credentials: put them in HTTPS_PROXY (http://user:password@proxy:port).'
          : 'Check HTTPS_PROXY / HTTP_PROXY, or list the host in NO_PROXY.',
      }
    case 'timeout':
      return {message: `${host} did not answer within ${timeoutMs} ms${code}.`, remedy: 'Retry later; raise the timeout if the server is slow.'}
    default:
      return {message: `Request to ${host} failed${code}.`}
  }
}
