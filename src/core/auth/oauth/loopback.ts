import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {AuthError, InterruptedError, UsageError} from '../../errors.js'

/**
 * Fixed by default because a Bitbucket Cloud OAuth consumer has exactly one callback URL, which the
 * user registers once as http://127.0.0.1:8976/callback.
 */
export const DEFAULT_CALLBACK_PORT = 8976
export const CALLBACK_PATH = '/callback'
export const DEFAULT_OAUTH_TIMEOUT_MS = 5 * 60_000

export interface LoopbackOptions {
  port: number
  /** The `state` we sent; a callback without it is answered 400 and ignored (the login keeps waiting). */
  state: string
  /** Told about each ignored callback (a forged or stale request, another local page). */
  onIgnored?: (message: string) => void
  timeoutMs?: number
  signal?: AbortSignal
}

export interface Loopback {
  redirectUri: string
  /** Resolves with the authorization code; rejects on timeout, provider error or abort. */
  code: Promise<string>
  close(): Promise<void>
}

/** Binds 127.0.0.1 only: the code must never be reachable from the network. */
export async function startLoopback(options: LoopbackOptions): Promise<Loopback> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS
  let settle: {resolve: (code: string) => void; reject: (error: Error) => void} | undefined
  const code = new Promise<string>((resolve, reject) => {
    settle = {resolve, reject}
  })
  // The caller may close before awaiting `code`; never leave an unhandled rejection behind.
  code.catch(() => undefined)
  let done = false
  const finish = (result: {code: string} | {error: Error}): void => {
    if (done) return
    done = true
    if ('code' in result) settle?.resolve(result.code)
    else settle?.reject(result.error)
  }

  const server = createServer((req, res) => handle(req, res, options.state, finish, options.onIgnored))
  await listen(server, options.port)
  const port = (server.address() as AddressInfo).port
  const redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`

  const timer = setTimeout(() => {
    finish({
      error: new AuthError(`Timed out after ${formatDuration(timeoutMs)} waiting for the browser to return to ${redirectUri}`, {
        code: 'oauth_timeout',
        remedy: 'Open the printed URL, approve access, and make sure the browser can reach 127.0.0.1; then run `connect` again.',
      }),
    })
  }, timeoutMs)
  const onAbort = (): void => finish({error: new InterruptedError('Login cancelled', {code: 'cancelled'})})
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener('abort', onAbort, {once: true})

  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      finish({error: new InterruptedError('Login cancelled', {code: 'cancelled'})})
      server.close(() => resolve())
      // A browser keeps the connection alive; do not wait for it.
      server.closeAllConnections()
    })
    return closed
  }
  return {redirectUri, code, close}
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: string,
  finish: (result: {code: string} | {error: Error}) => void,
  onIgnored?: (message: string) => void,
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
    // favicon.ico and friends: not ours, and no reason to fail the login.
    res.writeHead(404, {'content-type': 'text/plain'}).end('Not found')
    return
  }
  const params = url.searchParams
  if (params.get('state') !== state) {
    // Any local page can call this URL: one without this login's state (forged, or left over from an
    // earlier login) must not end the login. Refuse it and keep waiting for Bitbucket's answer.
    page(res, 400, 'Request rejected', 'This request did not carry the state of the login in progress, so it was ignored. Complete the login in the window bb-integrate opened.')
    onIgnored?.('Ignored a callback without this login\'s state (answered 400); still waiting for the browser login.')
    return
  }
  const error = params.get('error')
  if (error) {
    const description = params.get('error_description')
    page(res, 400, 'Login failed', `Bitbucket answered: ${error}${description ? ` — ${description}` : ''}. Return to the terminal.`)
    finish({
      error: new AuthError(`Bitbucket refused the authorization: ${error}${description ? ` (${description})` : ''}`, {
        code: error === 'access_denied' ? 'oauth_denied' : 'oauth_error',
        remedy: 'Approve the access request in the browser, or check the OAuth consumer settings.',
      }),
    })
    return
  }
  const code = params.get('code')
  if (!code) {
    page(res, 400, 'Login failed', 'The callback carried no authorization code. Return to the terminal.')
    finish({error: new AuthError('OAuth callback carried no authorization code', {code: 'oauth_no_code'})})
    return
  }
  page(res, 200, 'Logged in', 'bb-integrate received the authorization. You can close this window and return to the terminal.')
  finish({code})
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>bb-integrate: ${escapeHtml(title)}</title></head>` +
    `<body><h1 id="result">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`
  res.writeHead(status, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close'}).end(html)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new UsageError(`Cannot listen on 127.0.0.1:${port} for the OAuth callback (${error.code === 'EADDRINUSE' ? 'port in use' : 'permission denied'})`, {
            code: 'callback_port_unavailable',
            cause: error,
            remedy: `Free port ${port}, or pass --callback-port <port> (and register http://127.0.0.1:<port>/callback as the consumer's callback URL).`,
          }),
        )
      } else reject(error)
    })
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

function formatDuration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`
}
