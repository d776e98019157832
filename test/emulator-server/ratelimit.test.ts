import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {call, cloud} from './helpers.js'

describe('Cloud rate limit', () => {
  let emu: RunningEmulator

  beforeAll(async () => {
    emu = await cloud({rateLimit: {requestsPerWindow: 3, windowMs: 3_600_000}})
  })
  afterAll(async () => emu.close())

  it('answers 429 without Retry-After once the rolling window is spent, shared by one user\'s API tokens', async () => {
    const a = emu.admin.createToken({kind: 'api-token'})
    const b = emu.admin.createToken({kind: 'api-token'})
    expect((await call(`${emu.apiBase}/user`, {auth: a.authorization!})).status).toBe(200)
    expect((await call(`${emu.apiBase}/user`, {auth: b.authorization!})).status).toBe(200)
    expect((await call(`${emu.apiBase}/user`, {auth: a.authorization!})).status).toBe(200)
    const limited = await call(`${emu.apiBase}/user`, {auth: b.authorization!})
    expect(limited.status).toBe(429)
    expect(limited.text).toBe('Rate limit for this resource has been exceeded.')
    expect(limited.headers.get('retry-after')).toBeNull()
    expect(limited.headers.get('x-ratelimit-limit')).toBeNull()
    expect(emu.stats().rateLimited).toBe(1)

    // The window rolls: an hour after the first request, one request is free again.
    emu.admin.advanceClock(3_600_000)
    expect((await call(`${emu.apiBase}/user`, {auth: a.authorization!})).status).toBe(200)
  })

  it('gives each access token its own budget and X-RateLimit headers', async () => {
    emu.admin.setRateLimit({requestsPerWindow: 2, windowMs: 60_000})
    const t1 = emu.admin.createToken({kind: 'access-token', scopes: ['repository']})
    const t2 = emu.admin.createToken({kind: 'access-token', scopes: ['repository']})
    const w = emu.world.containers()[0]!.key
    const first = await call(`${emu.apiBase}/repositories/${w}`, {auth: t1.authorization!})
    expect(first.headers.get('x-ratelimit-limit')).toBe('2')
    expect(first.headers.get('x-ratelimit-nearlimit')).toBe('false')
    const second = await call(`${emu.apiBase}/repositories/${w}`, {auth: t1.authorization!})
    expect(second.headers.get('x-ratelimit-nearlimit')).toBe('true')
    expect((await call(`${emu.apiBase}/repositories/${w}`, {auth: t1.authorization!})).status).toBe(429)
    expect((await call(`${emu.apiBase}/repositories/${w}`, {auth: t2.authorization!})).status).toBe(200)
  })

  it('can be switched off over the admin API', async () => {
    expect((await call(`${emu.url}/_admin/ratelimit`, {method: 'POST', body: JSON.stringify({enabled: false})})).json).toEqual({rateLimit: null})
    const t = emu.admin.createToken({kind: 'api-token'})
    for (let i = 0; i < 5; i += 1) expect((await call(`${emu.apiBase}/user`, {auth: t.authorization!})).status).toBe(200)
  })
})
