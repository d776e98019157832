import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {ALPHA, API, Clock, basic, bearer, call, pat, startDc} from './helpers.js'
import type {Any} from './helpers.js'

const AUTH_FAILED = {errors: [{context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException'}]}

describe('DC authentication and permissions', () => {
  let emu: RunningEmulator
  const clock = new Clock()
  beforeAll(async () => {
    emu = await startDc({now: clock.now})
  })
  afterAll(() => emu.close())

  it('serves application-properties without credentials', async () => {
    const r = await call(emu, `${API}/application-properties`)
    expect(r.status).toBe(200)
    expect((r.body as Any).version).toMatch(/^9\.4\./)
    expect((r.body as Any).displayName).toBe('Bitbucket')
  })

  it('accepts Basic username:password and names the user in X-AUSERNAME / X-AUSERID', async () => {
    const pw = emu.admin.createToken({kind: 'password', user: 'bob', secret: 'hunter2'})
    const r = await call(emu, `${API}/projects`, {auth: basic('Bob', pw.secret)})
    expect(r.status).toBe(200)
    expect(r.headers.get('x-ausername')).toBe('Bob')
    expect(r.headers.get('x-auserid')).toBe('12')
    expect((await call(emu, `${API}/projects`, {auth: basic('Bob', 'wrong')})).body).toEqual(AUTH_FAILED)
    // The password of one user does not open another account.
    expect((await call(emu, `${API}/projects`, {auth: basic('alice', pw.secret)})).status).toBe(401)
  })

  it('accepts a personal access token as Bearer and as the Basic password', async () => {
    const t = emu.admin.createToken({kind: 'pat', user: 'alice', scopes: ['REPO_READ']})
    const viaBearer = await call(emu, ALPHA, {auth: bearer(t.secret)})
    expect(viaBearer.status).toBe(200)
    expect(viaBearer.headers.get('x-ausername')).toBe('alice')
    expect((await call(emu, ALPHA, {auth: basic('alice', t.secret)})).status).toBe(200)
  })

  it('answers every bad credential with the same DC 401 body', async () => {
    const expired = emu.admin.createToken({kind: 'pat', user: 'alice', scopes: ['REPO_READ'], expiresInSec: 60})
    const revoked = emu.admin.createToken({kind: 'pat', user: 'alice', scopes: ['REPO_READ']})
    expect((await call(emu, ALPHA, {auth: bearer(expired.secret)})).status).toBe(200)
    clock.advance(61_000)
    emu.admin.revokeToken(revoked.id)
    for (const auth of [bearer(expired.secret), bearer(revoked.secret), bearer('BBDC-nope'), basic('alice', 'nope')]) {
      const r = await call(emu, ALPHA, {auth})
      expect(r.status, auth).toBe(401)
      expect(r.body).toEqual(AUTH_FAILED)
    }
  })

  it('rejects a request without credentials on a private resource', async () => {
    const r = await call(emu, ALPHA)
    expect(r.status).toBe(401)
    expect((r.body as Any).errors[0].exceptionName).toBe('com.atlassian.bitbucket.AuthorisationException')
  })

  it('lets project and repository tokens work only as Bearer and only on their resource', async () => {
    const projectToken = emu.admin.createToken({kind: 'access-token', boundTo: 'PROJ', scopes: ['PROJECT_READ']})
    expect((await call(emu, ALPHA, {auth: bearer(projectToken.secret)})).status).toBe(200)
    expect((await call(emu, ALPHA, {auth: basic('alice', projectToken.secret)})).status).toBe(401)
    const other = await call(emu, `${API}/projects/OPS/repos/tools`, {auth: bearer(projectToken.secret)})
    expect(other.status).toBe(401)
    const listed = await call(emu, `${API}/repos?limit=1000`, {auth: bearer(projectToken.secret)})
    expect(new Set((listed.body as Any).values.map((r: Any) => r.project.key))).toEqual(new Set(['PROJ']))
    const repoToken = emu.admin.createToken({kind: 'access-token', boundTo: 'PROJ/alpha', scopes: ['REPO_READ']})
    expect((await call(emu, `${API}/projects/PROJ/repos/beta`, {auth: bearer(repoToken.secret)})).status).toBe(401)
    expect(((await call(emu, `${API}/projects/PROJ/repos`, {auth: bearer(repoToken.secret)})).body as Any).values.map((r: Any) => r.slug)).toEqual(['alpha'])
  })

  it('checks token permissions per endpoint and names the missing one', async () => {
    const reader = pat(emu, 'alice', ['REPO_READ'])
    const r = await call(emu, `${ALPHA}/webhooks`, {auth: reader.auth})
    expect(r.status).toBe(401)
    expect((r.body as Any).errors[0].message).toContain('REPO_ADMIN')
    expect((r.body as Any).errors[0].exceptionName).toBe('com.atlassian.bitbucket.AuthorisationException')
    const repoAdmin = pat(emu, 'alice', ['REPO_ADMIN'])
    expect((await call(emu, `${ALPHA}/webhooks`, {auth: repoAdmin.auth})).status).toBe(200)
    // REPO_ADMIN does not reach project webhooks; PROJECT_ADMIN implies both.
    const p = await call(emu, `${API}/projects/PROJ/webhooks`, {auth: repoAdmin.auth})
    expect(p.status).toBe(401)
    expect((p.body as Any).errors[0].message).toContain('PROJECT_ADMIN')
    const projectAdmin = pat(emu, 'alice', ['PROJECT_ADMIN'])
    expect((await call(emu, `${API}/projects/PROJ/webhooks`, {auth: projectAdmin.auth})).status).toBe(200)
    expect((await call(emu, `${ALPHA}/webhooks`, {auth: projectAdmin.auth})).status).toBe(200)
    // A token without repository read cannot list pull requests.
    const projectOnly = pat(emu, 'alice', ['ACCOUNT_WRITE'])
    expect((await call(emu, `${ALPHA}/pull-requests`, {auth: projectOnly.auth})).status).toBe(401)
  })

  it('filters /repos by the permission parameter against the principal', async () => {
    const reader = pat(emu, 'alice', ['REPO_READ'])
    const admin = pat(emu, 'alice', ['REPO_ADMIN'])
    expect(((await call(emu, `${API}/repos?permission=REPO_ADMIN`, {auth: reader.auth})).body as Any).values).toEqual([])
    expect(((await call(emu, `${API}/repos?permission=REPO_ADMIN`, {auth: admin.auth})).body as Any).size).toBe(25)
    expect((await call(emu, `${API}/repos?permission=BOGUS`, {auth: admin.auth})).status).toBe(400)
  })
})
