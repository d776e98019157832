import type {Dispatcher} from 'undici'
import {normaliseHeaders} from './response-body.js'

export interface WireRequest {
  url: URL
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  headers: Record<string, string>
  body?: string
  signal?: AbortSignal
  timeoutMs: number
}

export interface WireResponse {
  status: number
  headers: Record<string, string>
  text: string
}

/** One attempt on the wire, body read in full. Throws transport errors as undici raises them. */
export async function sendOnce(dispatcher: Dispatcher, request: WireRequest): Promise<WireResponse> {
  const res = await dispatcher.request({
    origin: request.url.origin,
    path: `${request.url.pathname}${request.url.search}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    // undici's timeouts are per phase: waiting for the headers, then between body chunks.
    headersTimeout: request.timeoutMs,
    bodyTimeout: request.timeoutMs,
  })
  const text = await res.body.text()
  return {status: res.statusCode, headers: normaliseHeaders(res.headers), text}
}
