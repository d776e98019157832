/**
 * `POST …/webhooks/test?url=…`: the server itself calls the URL with a `diagnostics:ping` event and
 * reports the exchange, which is what makes it a real reachability check for the receiver. With
 * `webhookId`, the ping is signed with that hook's secret, as a delivery would be.
 */
import {createHmac, randomUUID} from 'node:crypto'

import type {EmuRequest, EmuResponse, RouteContext} from '../server/types.js'
import {badRequest} from './errors.js'
import {jsonBody} from './route-kit.js'

const TIMEOUT_MS = 10_000

export async function testWebhook(req: EmuRequest, ctx: RouteContext): Promise<EmuResponse> {
  const url = req.query.get('url')
  if (!url || !/^https?:\/\//.test(url)) return badRequest('A valid url query parameter is required.')
  const body = JSON.stringify({test: true})
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'Atlassian HttpClient 4.2.0 / Bitbucket-9.4.2 (9004002) / Default',
    'X-Event-Key': 'diagnostics:ping',
    'X-Request-Id': randomUUID(),
  }
  const credentials = jsonBody(req.rawBody) as {username?: unknown; password?: unknown} | undefined
  if (typeof credentials?.username === 'string' && typeof credentials.password === 'string') {
    headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  }
  const hookId = req.query.get('webhookId')
  const secret = hookId ? ctx.state.hooks.get(hookId)?.secret : null
  if (secret) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
  const request = {url, method: 'POST', headers, body}
  try {
    const res = await fetch(url, {method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual'})
    const text = await res.text()
    return {status: 200, body: {request, response: {statusCode: res.status, headers: Object.fromEntries(res.headers), body: text}}}
  } catch (error) {
    return {status: 200, body: {request, exception: {message: error instanceof Error ? error.message : String(error)}}}
  }
}
