import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {call, cloud, firstRepo} from './helpers.js'

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`

describe('Cloud authentication and scopes', () => {
  let emu: RunningEmulator
  let repo: {key: string; url: string}

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    repo = firstRepo(emu)
  })
  afterAll(async () => emu.close())

  it('accepts an API token with the Atlassian e-mail, and explains the username mistake', async () => {
    const user = emu.world.users()[0]!
    const token = emu.admin.createToken({kind: 'api-token', user: user.uuid})
    const ok = await call(`${emu.apiBase}/user`, {auth: basic(user.email.toUpperCase(), token.secret)})
    expect(ok.status).toBe(200)
    expect(ok.json.uuid).toBe(user.uuid)
    expect(ok.headers.get('x-credential-type')).toBe('api_token')
    expect(ok.headers.get('x-accepted-oauth-scopes')).toBe('account')

    const withUsername = await call(`${emu.apiBase}/user`, {auth: basic(user.slug, token.secret)})
    expect(withUsername.status).toBe(401)
    expect(withUsername.json.error.message).toMatch(/e-?mail/i)
    expect(withUsername.headers.get('www-authenticate')).toMatch(/^Basic/)

    expect((await call(`${emu.apiBase}/user`, {auth: basic(user.email, 'not-a-token')})).status).toBe(401)
    expect((await call(`${emu.apiBase}/user`)).status).toBe(401)
  })

  it('refuses expired and revoked credentials', async () => {
    const expiring = emu.admin.createToken({kind: 'api-token', expiresInSec: 60})
    expect((await call(`${emu.apiBase}/user`, {auth: expiring.authorization!})).status).toBe(200)
    emu.admin.advanceClock(61_000)
    const expired = await call(`${emu.apiBase}/user`, {auth: expiring.authorization!})
    expect(expired.status).toBe(401)
    expect(expired.json.error.message).toMatch(/expired/i)

    const revoked = emu.admin.createToken({kind: 'access-token', scopes: ['repository']})
    expect((await call(repo.url, {auth: revoked.authorization!})).status).toBe(200)
    expect(emu.admin.revokeToken(revoked.id)).toBe(true)
    expect((await call(repo.url, {auth: revoked.authorization!})).status).toBe(401)
  })

  it('answers missing scopes with the Cloud 403 body', async () => {
    const token = emu.admin.createToken({kind: 'api-token', scopes: ['read:repository:bitbucket']})
    const reply = await call(`${repo.url}/pullrequests`, {auth: token.authorization!})
    expect(reply.status).toBe(403)
    expect(reply.json).toEqual({
      type: 'error',
      error: {
        message: 'Your credentials lack one or more required privilege scopes.',
        detail: {required: ['read:pullrequest:bitbucket'], granted: ['read:repository:bitbucket']},
      },
    })
    expect(reply.headers.get('x-accepted-oauth-scopes')).toBe('pullrequest')
  })

  it('applies classic implications but not API-token ones', async () => {
    // pullrequest implies repository for classic scopes…
    const access = emu.admin.createToken({kind: 'access-token', scopes: ['pullrequest']})
    expect((await call(`${repo.url}/commits?pagelen=1`, {auth: access.authorization!})).status).toBe(200)
    expect((await call(`${repo.url}/pullrequests`, {auth: access.authorization!})).status).toBe(200)
    // …while repository does not give pull requests.
    const repoOnly = emu.admin.createToken({kind: 'access-token', scopes: ['repository']})
    const denied = await call(`${repo.url}/pullrequests`, {auth: repoOnly.authorization!})
    expect(denied.status).toBe(403)
    expect(denied.json.error.detail).toEqual({required: ['pullrequest'], granted: ['repository']})
    // API tokens: read:pullrequest does not include read:repository, write does not include read.
    const prOnly = emu.admin.createToken({kind: 'api-token', scopes: ['read:pullrequest:bitbucket', 'write:webhook:bitbucket']})
    expect((await call(`${repo.url}/commits`, {auth: prOnly.authorization!})).status).toBe(403)
    expect((await call(`${repo.url}/hooks`, {auth: prOnly.authorization!})).status).toBe(403)
  })

  it('limits access tokens to what they are bound to', async () => {
    const [workspace, slug] = repo.key.split('/') as [string, string]
    const bound = emu.admin.createToken({kind: 'access-token', scopes: ['repository', 'account'], boundTo: repo.key})
    expect((await call(repo.url, {auth: bound.authorization!})).status).toBe(200)
    const listed = await call(`${emu.apiBase}/repositories/${workspace}?pagelen=100`, {auth: bound.authorization!})
    expect(listed.json.values.map((r: {slug: string}) => r.slug)).toEqual([slug])
    const other = emu.world.repos(workspace).find((r) => r.slug !== slug)
    if (other) expect((await call(`${emu.apiBase}/repositories/${workspace}/${other.slug}`, {auth: bound.authorization!})).status).toBe(404)
    const workspaces = await call(`${emu.apiBase}/user/workspaces`, {auth: bound.authorization!})
    expect(workspaces.status).toBe(403)
    expect(bound.authorization).toMatch(/^Bearer /)
  })
})
