import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {apiToken, call, cloud} from './helpers.js'

describe('fault injection', () => {
  let emu: RunningEmulator
  let auth: string

  beforeAll(async () => {
    emu = await cloud({rateLimit: null})
    auth = apiToken(emu)
  })
  afterAll(async () => emu.close())

  it('injects 5xx, resets and truncated bodies at scheduled request numbers', async () => {
    emu.admin.resetStats()
    const plan = {schedule: [{request: 1, fault: 'status5xx'}, {request: 2, fault: 'reset'}, {request: 3, fault: 'truncate'}, {request: 5, fault: 'status5xx', status: 502}]}
    expect((await call(`${emu.url}/_admin/faults`, {method: 'POST', body: JSON.stringify(plan)})).status).toBe(200)
    const w = emu.world.containers()[0]!.key
    const url = `${emu.apiBase}/repositories/${w}?pagelen=100`

    const first = await call(url, {auth})
    expect(first.status).toBe(503)
    expect(first.json.type).toBe('error')
    await expect(fetch(url, {headers: {Authorization: auth}})).rejects.toThrow()
    const truncated = await fetch(url, {headers: {Authorization: auth}})
    expect(truncated.status).toBe(200)
    expect(Number(truncated.headers.get('content-length'))).toBeGreaterThan(0)
    await expect(truncated.text()).rejects.toThrow()
    expect((await call(url, {auth})).status).toBe(200)
    expect((await call(url, {auth})).status).toBe(502)
    expect((await call(url, {auth})).status).toBe(200)

    const stats = emu.stats()
    expect(stats.faults).toMatchObject({status5xx: 2, reset: 1, truncate: 1})
    expect(stats.byRoute['GET /2.0/repositories/:workspace']).toBe(6)
    emu.admin.setFaults(null)
  })

  it('draws probabilistic faults reproducibly from the seed', async () => {
    const run = async () => {
      emu.admin.setFaults({seed: 42, probabilities: {status5xx: 0.3}, status: 500})
      const statuses: number[] = []
      for (let i = 0; i < 20; i += 1) statuses.push((await call(`${emu.apiBase}/user`, {auth})).status)
      return statuses
    }
    const a = await run()
    const b = await run()
    expect(a).toEqual(b)
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(0)
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0)
    emu.admin.setFaults(null)
  })

  it('adds latency and drops connections while down', async () => {
    emu.admin.setFaults({schedule: [{request: 1, fault: 'latency', latencyMs: 150}]})
    const started = Date.now()
    expect((await call(`${emu.apiBase}/user`, {auth})).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    emu.admin.setFaults(null)
    emu.admin.setDown(true)
    await expect(fetch(`${emu.apiBase}/user`, {headers: {Authorization: auth}})).rejects.toThrow()
    emu.admin.setDown(false)
    expect((await call(`${emu.apiBase}/user`, {auth})).status).toBe(200)
  })
})
