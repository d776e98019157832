/** Reading requests and writing EmuResponses onto node:http, including the truncated-body fault. */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {EmuResponse} from './types.js'

const MAX_BODY = 8 * 1024 * 1024

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > MAX_BODY) throw new Error('request body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks)
}

export function serialize(response: EmuResponse): {body: Buffer; headers: Record<string, string>} {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v
  let body: Buffer
  if (response.body === undefined || response.body === null) body = Buffer.alloc(0)
  else if (Buffer.isBuffer(response.body)) body = response.body
  else if (typeof response.body === 'string') {
    body = Buffer.from(response.body)
    headers['content-type'] ??= 'text/plain; charset=utf-8'
  } else {
    body = Buffer.from(JSON.stringify(response.body))
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  headers['content-length'] = String(body.length)
  return {body, headers}
}

/**
 * Write a response. `truncate` sends the headers with the full Content-Length, then half of the body,
 * then destroys the socket — what a proxy dying mid-response looks like to a client.
 */
export function send(res: ServerResponse, response: EmuResponse, options: {truncate?: boolean; head?: boolean} = {}): void {
  const {body, headers} = serialize(response)
  res.writeHead(response.status, headers)
  if (options.head) {
    res.end()
    return
  }
  if (options.truncate && body.length > 1) {
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
      // Let the half body reach the client before the socket dies.
      setImmediate(() => res.socket?.destroy())
    })
    return
  }
  res.end(body)
}

export function json(status: number, body: unknown, headers?: Record<string, string>): EmuResponse {
  return {status, body, headers}
}
