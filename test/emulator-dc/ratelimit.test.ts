import {afterEach, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {configureDcRateLimit} from '../../emulator/datacenter/index.js'
import {API, Clock, call, pat, startDc} from './helpers.js'
import type {Any} from './helpers.js'

describe('DC token-bucket rate limiting', () => {
  let emu: RunningEmulator
  afterEach(() => emu.close())

  it('reports the default bucket (60, 5 per second) on every authenticated response', async () => {
    emu = await startDc({rateLimit: undefined})
    const r = await call(emu, `${API}/projects`, {auth: pat(emu, 'alice', ['REPO_READ']).auth})
    expect(r.headers.get('x-ratelimit-limit')).toBe('60')
    expect(r.headers.get('x-ratelimit-remaining')).toBe('59')
    expect(r.headers.get('x-ratelimit-fillrate')).toBe('5')
    expect(r.headers.get('x-ratelimit-interval-seconds')).toBe('1')
  })

  it('answers 429 with Retry-After when the bucket is empty, and recovers as it refills', async () => {
    const clock = new Clock()
    emu = await startDc({now: clock.now, rateLimit: undefined})
    configureDcRateLimit(emu.state, {capacity: 3, fillPerSecond: 0.5})
    const alice = pat(emu, 'alice', ['REPO_READ']).auth
    const remaining: Array<string | null> = []
    for (let i = 0; i < 3; i++) {
      const r = await call(emu, `${API}/projects`, {auth: alice})
      expect(r.status).toBe(200)
      remaining.push(r.headers.get('x-ratelimit-remaining'))
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const limited = await call(emu, `${API}/projects`, {auth: alice})
    expect(limited.status).toBe(429)
    // One token at 0.5/s takes 2 s.
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect((limited.body as Any).errors[0].message).toMatch(/rate limit/i)
    clock.advance(1000)
    expect((await call(emu, `${API}/projects`, {auth: alice})).status).toBe(429)
    clock.advance(1000)
    expect((await call(emu, `${API}/projects`, {auth: alice})).status).toBe(200)
  })

  it('keys the bucket by user: two tokens of one user share it, another user has their own', async () => {
    const clock = new Clock()
    emu = await startDc({now: clock.now, rateLimit: undefined})
    configureDcRateLimit(emu.state, {capacity: 2, fillPerSecond: 1})
    const first = pat(emu, 'alice', ['REPO_READ']).auth
    const second = pat(emu, 'alice', ['REPO_READ']).auth
    const bob = pat(emu, 'bob', ['REPO_READ']).auth
    expect((await call(emu, `${API}/projects`, {auth: first})).status).toBe(200)
    expect((await call(emu, `${API}/projects`, {auth: second})).status).toBe(200)
    expect((await call(emu, `${API}/projects`, {auth: second})).status).toBe(429)
    expect((await call(emu, `${API}/projects`, {auth: bob})).status).toBe(200)
  })

  it('takes its bucket from the server-wide setting as capacity refilled per window', async () => {
    const clock = new Clock()
    emu = await startDc({now: clock.now, rateLimit: {requestsPerWindow: 2, windowMs: 4000}})
    const alice = pat(emu, 'alice', ['REPO_READ']).auth
    const r = await call(emu, `${API}/projects`, {auth: alice})
    expect(r.headers.get('x-ratelimit-limit')).toBe('2')
    expect(r.headers.get('x-ratelimit-fillrate')).toBe('0.5')
    await call(emu, `${API}/projects`, {auth: alice})
    expect((await call(emu, `${API}/projects`, {auth: alice})).status).toBe(429)
  })

  it('does not limit the unauthenticated application-properties probe', async () => {
    const clock = new Clock()
    emu = await startDc({now: clock.now, rateLimit: undefined})
    configureDcRateLimit(emu.state, {capacity: 1, fillPerSecond: 1})
    for (let i = 0; i < 3; i++) expect((await call(emu, `${API}/application-properties`)).status).toBe(200)
  })
})
