import {createHash, randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CreatedToken, RunningEmulator} from '../../emulator/index.js'
import {call, cloud} from './helpers.js'

const CALLBACK = 'http://127.0.0.1/callback'

function hiddenInputs(html: string): URLSearchParams {
  const form = new URLSearchParams()
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1] as string, (m[2] as string).replace(/&amp;/g, '&'))
  const decision = /name="decision" value="(\w+)"/.exec(html)
  if (decision) form.set('decision', decision[1] as string)
  return form
}

describe('Cloud OAuth 2.0 (authorization code + PKCE, rotating refresh tokens)', () => {
  let emu: RunningEmulator
  let consumer: CreatedToken
  const clientAuth = () => `Basic ${Buffer.from(`${consumer.key}:${consumer.secret}`).toString('base64')}`

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    consumer = emu.admin.createToken({kind: 'oauth-consumer', callbackUrl: CALLBACK, scopes: ['account', 'repository', 'pullrequest']})
  })
  afterAll(async () => emu.close())

  /** What a browser does: load the consent page, submit its form, read the redirect. */
  async function authorize(params: Record<string, string>): Promise<{status: number; location: URL | null; html: string}> {
    const page = await call(`${emu.url}/site/oauth2/authorize?${new URLSearchParams(params)}`)
    if (page.status !== 200) return {status: page.status, location: null, html: page.text}
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const decision = await call(`${emu.url}/site/oauth2/authorize/decision`, {
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: hiddenInputs(page.text).toString(),
    })
    const location = decision.headers.get('location')
    return {status: decision.status, location: location ? new URL(location) : null, html: page.text}
  }

  async function token(form: Record<string, string>, auth = clientAuth()) {
    return call(`${emu.url}/site/oauth2/access_token`, {
      method: 'POST',
      auth,
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams(form).toString(),
    })
  }

  it('runs the code flow with PKCE and rotates refresh tokens', async () => {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const state = randomBytes(32).toString('hex')
    const redirectUri = 'http://127.0.0.1:54321/callback'
    const granted = await authorize({client_id: consumer.key!, response_type: 'code', state, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256'})
    expect(granted.status).toBe(302)
    expect(granted.html).toContain('<form')
    expect(`${granted.location!.origin}${granted.location!.pathname}`).toBe(redirectUri)
    expect(granted.location!.searchParams.get('state')).toBe(state)
    const code = granted.location!.searchParams.get('code')!

    expect((await token({grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: 'wrong'})).json.error).toBe('invalid_grant')
    expect((await token({grant_type: 'authorization_code', code, code_verifier: verifier})).json.error).toBe('invalid_grant')
    const first = await token({grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier})
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({token_type: 'bearer', expires_in: 7200, scope: 'account repository pullrequest'})
    // Single use.
    expect((await token({grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier})).status).toBe(400)

    const me = await call(`${emu.apiBase}/user`, {auth: `Bearer ${first.json.access_token}`})
    expect(me.status).toBe(200)
    expect(me.headers.get('x-oauth-scopes')).toBe('account, repository, pullrequest')
    expect(me.headers.get('x-credential-type')).toBe('oauth2')

    const second = await token({grant_type: 'refresh_token', refresh_token: first.json.refresh_token})
    expect(second.status).toBe(200)
    expect(second.json.refresh_token).not.toBe(first.json.refresh_token)
    expect(second.json.access_token).not.toBe(first.json.access_token)
    // The rotated token works during the grace period, then stops.
    expect((await token({grant_type: 'refresh_token', refresh_token: first.json.refresh_token})).status).toBe(200)
    emu.admin.advanceClock(61_000)
    const stale = await token({grant_type: 'refresh_token', refresh_token: first.json.refresh_token})
    expect(stale.status).toBe(400)
    expect(stale.json.error).toBe('invalid_grant')
    expect((await token({grant_type: 'refresh_token', refresh_token: second.json.refresh_token})).status).toBe(200)

    // Access tokens expire after expires_in.
    emu.admin.advanceClock(7200_000)
    const expired = await call(`${emu.apiBase}/user`, {auth: `Bearer ${second.json.access_token}`})
    expect(expired.status).toBe(401)
  })

  it('refuses bad clients, foreign redirect URIs and unknown consumers', async () => {
    const wrongSecret = `Basic ${Buffer.from(`${consumer.key}:nope`).toString('base64')}`
    expect((await token({grant_type: 'refresh_token', refresh_token: 'x'}, wrongSecret)).status).toBe(401)
    expect((await token({grant_type: 'password'})).json.error).toBe('unsupported_grant_type')
    const foreign = await call(`${emu.url}/site/oauth2/authorize?${new URLSearchParams({client_id: consumer.key!, response_type: 'code', redirect_uri: 'http://evil.example/callback'})}`)
    expect(foreign.status).toBe(400)
    expect(foreign.text).toMatch(/redirect_uri/)
    const unknown = await call(`${emu.url}/site/oauth2/authorize?client_id=nobody&response_type=code`)
    expect(unknown.status).toBe(400)
    expect(unknown.headers.get('content-type')).toMatch(/text\/html/)
  })

  it('redirects with error=access_denied when the user refuses', async () => {
    const denying = emu.admin.createToken({kind: 'oauth-consumer', callbackUrl: CALLBACK, scopes: ['account'], deny: true})
    const refused = await authorize({client_id: denying.key!, response_type: 'code', state: 's1'})
    expect(refused.status).toBe(302)
    expect(refused.location!.searchParams.get('error')).toBe('access_denied')
    expect(refused.location!.searchParams.get('state')).toBe('s1')
    expect(refused.location!.searchParams.get('code')).toBeNull()
  })

  it('honours a configured access-token lifetime', async () => {
    emu.admin.setOAuth({accessTokenTtlSec: 5})
    const granted = await authorize({client_id: consumer.key!, response_type: 'code'})
    const reply = await token({grant_type: 'authorization_code', code: granted.location!.searchParams.get('code')!})
    expect(reply.json.expires_in).toBe(5)
    expect((await call(`${emu.apiBase}/user`, {auth: `Bearer ${reply.json.access_token}`})).status).toBe(200)
    emu.admin.advanceClock(5_000)
    expect((await call(`${emu.apiBase}/user`, {auth: `Bearer ${reply.json.access_token}`})).status).toBe(401)
  })
})
