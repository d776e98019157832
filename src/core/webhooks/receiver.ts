import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'
import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {isKnownEventKey, parseDelivery, PayloadError} from './events.js'
import type {ParsedDelivery} from './events.js'

/**
 * The HTTP side of `webhooks listen`: a node:http server that checks every request before anything
 * reaches the store. Order of checks: method (405), size (413, before reading further), signature
 * over the raw bytes (401), event key and JSON (400), delivery id (400). A valid delivery is handed
 * to `accept`, whose answer (new or repeat) decides 202 or 200; the work itself is done afterwards.
 */
export const MAX_BODY_BYTES = 1024 * 1024

export interface ReceivedDelivery extends ParsedDelivery {
  id: string
  event: string
  receivedAt: string
}

export type RejectReason = 'method' | 'path' | 'too_large' | 'signature' | 'event_key' | 'json' | 'payload' | 'delivery_id' | 'error'

export interface ReceiverOptions {
  host: string
  port: number
  /** Deliveries are accepted at this path and any path below it. */
  path: string
  secret: string
  /** Record the delivery; resolve true when it is new (to be applied), false for a repeat. */
  accept(delivery: ReceivedDelivery): Promise<boolean>
  onRejected(status: number, reason: RejectReason, detail: string, delivery: {id: string | null; event: string | null}): void
  onDuplicate(delivery: ReceivedDelivery): void
  now?: () => number
  maxBodyBytes?: number
  /** Whole request (headers and body) must arrive within this; slow senders are cut off. */
  requestTimeoutMs?: number
  headersTimeoutMs?: number
}

export interface Receiver {
  /** http://host:port/path as bound (port 0 resolved). */
  url: string
  server: Server
  /** Stop accepting; requests being read finish. */
  close(): Promise<void>
}

/** Constant-time check of `sha256=<hex>` over the raw body. */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !header.startsWith('sha256=')) return false
  const hex = header.slice('sha256='.length).trim()
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected)
}

function underPath(url: string | undefined, base: string): boolean {
  const path = (url ?? '/').split('?')[0] ?? '/'
  if (base === '/') return true
  const trimmed = base.replace(/\/+$/, '')
  return path === trimmed || path.startsWith(`${trimmed}/`)
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES
  const now = options.now ?? Date.now
  const server = createServer({
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    headersTimeout: options.headersTimeoutMs ?? 5_000,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
    // How often the timeouts above are enforced (Node's default, 30 s, would let a slow sender linger).
    connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs ?? 1000),
  }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      reply(res, 500, 'internal error')
      options.onRejected(500, 'error', error instanceof Error ? error.message : String(error), {id: null, event: null})
    })
  })
  // Bound the work one flood of connections can cause.
  server.maxConnections = 1024
  // Malformed requests and senders too slow for the timeouts: answer if the socket still takes it, then drop it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => socket.destroy())
    else socket.destroy()
  })

  function reply(res: ServerResponse, status: number, message: string, close = false): void {
    if (res.headersSent) return
    res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...(close ? {Connection: 'close'} : {})})
    res.end(`${message}\n`)
  }

  function reject(res: ServerResponse, status: number, reason: RejectReason, detail: string, who: {id: string | null; event: string | null}, close = false): void {
    reply(res, status, detail, close)
    options.onRejected(status, reason, detail, who)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const event = header(req, 'x-event-key') ?? null
    const id = header(req, 'x-request-uuid') ?? header(req, 'x-request-id') ?? null
    const who = {id, event}
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      req.resume()
      return reject(res, 405, 'method', `${req.method ?? '?'} is not accepted; deliveries are POSTed`, who)
    }
    if (!underPath(req.url, options.path)) {
      req.resume()
      return reject(res, 404, 'path', `deliveries are accepted under ${options.path}`, who)
    }
    const declared = Number(header(req, 'content-length') ?? NaN)
    if (Number.isFinite(declared) && declared > limit) {
      // Answer, then drop the connection: the rest of the body is never read.
      res.once('finish', () => req.destroy())
      return reject(res, 413, 'too_large', `body over ${limit} bytes`, who, true)
    }
    const body = await readBody(req, limit)
    if (body === null) {
      // Answer, then drop the connection: the rest of the body is never read.
      res.once('finish', () => req.destroy())
      return reject(res, 413, 'too_large', `body over ${limit} bytes`, who, true)
    }
    if (!verifySignature(options.secret, body, header(req, 'x-hub-signature'))) {
      return reject(res, 401, 'signature', 'missing or wrong X-Hub-Signature (sha256=<HMAC of the body>)', who)
    }
    if (!event || !isKnownEventKey(event)) return reject(res, 400, 'event_key', `missing or unknown X-Event-Key${event ? ` ${event}` : ''}`, who)
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return reject(res, 400, 'json', 'the body is not valid JSON', who)
    }
    if (!id || id.length > 200) return reject(res, 400, 'delivery_id', 'missing X-Request-UUID / X-Request-Id', who)
    const receivedAt = new Date(now()).toISOString()
    let parsed: ParsedDelivery
    try {
      parsed = parseDelivery(event, json, receivedAt)
    } catch (error) {
      if (error instanceof PayloadError) return reject(res, 400, 'payload', error.message, who)
      throw error
    }
    const delivery: ReceivedDelivery = {...parsed, id, event, receivedAt}
    const fresh = await options.accept(delivery)
    if (!fresh) {
      reply(res, 200, 'duplicate delivery, already applied')
      options.onDuplicate(delivery)
      return
    }
    reply(res, 202, 'accepted')
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`
  return {
    url: `http://${host}:${address.port}${path}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
      // Kept-alive connections with no request in flight would otherwise hold close() for their timeout;
      // a request still arriving gets its timeouts, then is cut off.
      const sweep = setInterval(() => server.closeIdleConnections(), 100)
      const cut = setTimeout(() => server.closeAllConnections(), (options.requestTimeoutMs ?? 10_000) + 1000)
      server.once('close', () => {
        clearInterval(sweep)
        clearTimeout(cut)
      })
    }),
  }
}

/** The raw body, or null as soon as it passes `limit` (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        req.pause()
        resolve(null)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (done) return
      done = true
      resolve(Buffer.concat(chunks))
    })
    req.on('error', (error) => {
      if (done) return
      done = true
      reject(error)
    })
    req.on('aborted', () => {
      if (done) return
      done = true
      reject(new Error('client aborted the request'))
    })
  })
}
