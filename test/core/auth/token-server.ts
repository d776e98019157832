/**
 * A token endpoint on 127.0.0.1 backed by the emulator's credential registry (rotating refresh tokens
 * with a grace period, moveable clock), so refresh tests exercise real HTTP and real rotation rules
 * without the full emulator.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {CredentialRegistry, type Credential} from '../../../emulator/server/credentials.js'

export interface TokenServer {
  url: string
  registry: CredentialRegistry
  consumer: Credential
  /** Every grant_type=refresh_token request, in order: the refresh token presented. */
  refreshes: string[]
  /** Hook run before the response is sent (e.g. to record ordering). */
  clock: {offset: number}
  /** Tokens issued for the user (a fresh login). */
  login(): {accessToken: string; refreshToken: string; expiresAt: number}
  close(): Promise<void>
}

export async function startTokenServer(options: {graceMs?: number; ttlSec?: number} = {}): Promise<TokenServer> {
  const clock = {offset: 0}
  const now = (): number => Date.now() + clock.offset
  const registry = new CredentialRegistry(now, options.graceMs ?? 60_000)
  const consumer = registry.create({kind: 'oauth-consumer', scopes: ['account', 'pullrequest'], callbackUrl: 'http://127.0.0.1/callback'})
  const refreshes: string[] = []
  const ttlSec = options.ttlSec ?? 7200
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      const [, basic = ''] = (req.headers.authorization ?? '').split(' ')
      const [key = '', secret = ''] = Buffer.from(basic, 'base64').toString().split(':')
      const client = registry.authenticateClient(key, secret)
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(json))
      }
      if (!client) return send(401, {error: 'invalid_client', error_description: 'bad client'})
      if (form.get('grant_type') !== 'refresh_token') return send(400, {error: 'unsupported_grant_type'})
      refreshes.push(form.get('refresh_token') ?? '')
      const answer = registry.refresh({consumer: client, refreshToken: form.get('refresh_token') ?? '', ttlSec})
      send('error' in answer ? 400 : 200, answer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    registry,
    consumer,
    refreshes,
    clock,
    login() {
      const code = registry.issueCode({consumer, user: '{user-1}', redirectUri: null, challenge: null, challengeMethod: null})
      const t = registry.redeemCode({consumer, code, redirectUri: null, verifier: null, ttlSec})
      if ('error' in t) throw new Error(t.error)
      return {accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: now() + ttlSec * 1000}
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
