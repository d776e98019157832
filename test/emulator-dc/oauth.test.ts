import {createHash, randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {ALPHA, API, Clock, bearer, call, startDc} from './helpers.js'

const CALLBACK = 'http://127.0.0.1:53682/callback'

function form(values: Record<string, string>): string {
  return new URLSearchParams(values).toString()
}

describe('DC OAuth 2.0: authorization code + PKCE, refresh rotation', () => {
  let emu: RunningEmulator
  const clock = new Clock()
  let clientId: string
  let clientSecret: string
  beforeAll(async () => {
    emu = await startDc({now: clock.now})
    const consumer = emu.admin.createToken({kind: 'oauth-consumer', user: 'alice', callbackUrl: CALLBACK, scopes: ['REPO_READ', 'REPO_ADMIN']})
    clientId = consumer.key as string
    clientSecret = consumer.secret
  })
  afterAll(() => emu.close())

  /** Run the browser half: the consent page, then the form it auto-submits; returns the redirect. */
  async function authorize(params: Record<string, string>): Promise<URL> {
    const page = await call(emu, `/rest/oauth2/latest/authorize?${form(params)}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('<form id="consent" method="post"')
    expect(page.text).toContain('.submit()')
    const consent = await call(emu, '/rest/oauth2/latest/authorize/consent', {method: 'POST', body: form({...params, decision: 'allow'}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
    expect(consent.status).toBe(302)
    return new URL(consent.headers.get('location') as string)
  }

  async function token(values: Record<string, string>) {
    return call(emu, '/rest/oauth2/latest/token', {method: 'POST', body: form(values), headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
  }

  it('issues tokens for a code with the matching PKCE verifier and rotates the refresh token', async () => {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const state = randomBytes(32).toString('hex')
    const redirect = await authorize({client_id: clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'REPO_READ', state, code_challenge: challenge, code_challenge_method: 'S256'})
    expect(`${redirect.origin}${redirect.pathname}`).toBe(CALLBACK)
    expect(redirect.searchParams.get('state')).toBe(state)
    const code = redirect.searchParams.get('code') as string

    const wrong = await token({grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: 'x'.repeat(43), client_id: clientId, client_secret: clientSecret})
    expect(wrong.status).toBe(400)
    expect(wrong.body).toMatchObject({error: 'invalid_grant'})

    const issued = await token({grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: clientId, client_secret: clientSecret})
    expect(issued.status).toBe(200)
    expect(issued.body).toMatchObject({token_type: 'Bearer', scope: 'REPO_READ'})
    expect(issued.body.expires_in).toBeGreaterThan(0)
    const {access_token: access, refresh_token: refresh} = issued.body as {access_token: string; refresh_token: string}

    const me = await call(emu, ALPHA, {auth: bearer(access)})
    expect(me.status).toBe(200)
    expect(me.headers.get('x-ausername')).toBe('alice')
    // The granted scope is REPO_READ only.
    expect((await call(emu, `${ALPHA}/webhooks`, {auth: bearer(access)})).status).toBe(401)

    const basicClient = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
    const rotated = await call(emu, '/rest/oauth2/latest/token', {method: 'POST', auth: basicClient, body: form({grant_type: 'refresh_token', refresh_token: refresh}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
    expect(rotated.status).toBe(200)
    expect(rotated.body.refresh_token).not.toBe(refresh)
    expect(rotated.body.access_token).not.toBe(access)
    expect((await call(emu, `${API}/projects`, {auth: bearer(rotated.body.access_token)})).status).toBe(200)

    // The replaced refresh token dies after the grace period; the new one keeps working.
    clock.advance(emu.state.credentials.refreshGraceMs + 1)
    expect((await token({grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId, client_secret: clientSecret})).body).toMatchObject({error: 'invalid_grant'})
    const again = await token({grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token, client_id: clientId, client_secret: clientSecret})
    expect(again.status).toBe(200)

    expect((await call(emu, ALPHA, {auth: bearer(again.body.access_token)})).status).toBe(200)

    // The code is single-use.
    const replay = await token({grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: clientId, client_secret: clientSecret})
    expect(replay.status).toBe(400)
    expect(replay.body).toMatchObject({error: 'invalid_grant'})
  })

  it('acts as the consumer\'s user and accepts any port on a loopback callback registered without one', async () => {
    const consumer = emu.admin.createToken({kind: 'oauth-consumer', user: 'bob', callbackUrl: 'http://127.0.0.1/callback', scopes: ['REPO_READ']})
    const redirect = await authorize({client_id: consumer.key as string, response_type: 'code', redirect_uri: 'http://127.0.0.1:40111/callback'})
    expect(redirect.port).toBe('40111')
    const issued = await token({grant_type: 'authorization_code', code: redirect.searchParams.get('code') as string, redirect_uri: 'http://127.0.0.1:40111/callback', client_id: consumer.key as string, client_secret: consumer.secret})
    expect(issued.status).toBe(200)
    expect((await call(emu, ALPHA, {auth: bearer(issued.body.access_token)})).headers.get('x-ausername')).toBe('Bob')
  })

  it('expires access tokens after expires_in', async () => {
    const redirect = await authorize({client_id: clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'REPO_READ'})
    const issued = await token({grant_type: 'authorization_code', code: redirect.searchParams.get('code') as string, redirect_uri: CALLBACK, client_id: clientId, client_secret: clientSecret})
    clock.advance(issued.body.expires_in * 1000 + 1)
    expect((await call(emu, ALPHA, {auth: bearer(issued.body.access_token)})).status).toBe(401)
  })

  it('refuses a foreign redirect_uri, a bad client secret and a denied consent', async () => {
    const page = await call(emu, `/rest/oauth2/latest/authorize?${form({client_id: clientId, response_type: 'code', redirect_uri: 'http://evil.test/cb'})}`)
    expect(page.status).toBe(400)
    expect((await token({grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId, client_secret: 'wrong'})).body).toMatchObject({error: 'invalid_client'})
    const params = {client_id: clientId, response_type: 'code', redirect_uri: CALLBACK, state: 'st'}
    const denied = await call(emu, '/rest/oauth2/latest/authorize/consent', {method: 'POST', body: form({...params, decision: 'deny'}), headers: {'Content-Type': 'application/x-www-form-urlencoded'}})
    const location = new URL(denied.headers.get('location') as string)
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('state')).toBe('st')
    const refusing = emu.admin.createToken({kind: 'oauth-consumer', user: 'bob', callbackUrl: CALLBACK, deny: true})
    const refused = await authorize({client_id: refusing.key as string, response_type: 'code', redirect_uri: CALLBACK, state: 'st'})
    expect(refused.searchParams.get('error')).toBe('access_denied')
    const badScope = await call(emu, `/rest/oauth2/latest/authorize?${form({...params, scope: 'EVERYTHING'})}`)
    expect(new URL(badScope.headers.get('location') as string).searchParams.get('error')).toBe('invalid_scope')
  })
})
