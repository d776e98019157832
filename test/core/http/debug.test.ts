import {afterEach, describe, expect, it} from 'vitest'

import {debugAreas, httpDebugFromEnv} from '../../../src/core/http/debug.js'
import {credential, harness, script, type Harness} from './helpers.js'

let h: Harness | undefined
afterEach(async () => h?.close())

describe('BB_INTEGRATE_DEBUG=http', () => {
  it('is on only when the variable names http (or all)', () => {
    expect(httpDebugFromEnv({})).toBeUndefined()
    expect(httpDebugFromEnv({BB_INTEGRATE_DEBUG: 'store'})).toBeUndefined()
    expect(httpDebugFromEnv({BB_INTEGRATE_DEBUG: 'store, http'})).toBeTypeOf('function')
    expect(debugAreas('1').has('http')).toBe(true)
    expect(debugAreas('all').has('http')).toBe(true)
  })

  it('prints requests, responses and retries, with the token redacted everywhere', async () => {
    const token = 'tok-debug-s3cr3t-value-42'
    const lines: string[] = []
    h = harness({
      credentials: [credential('default/1', 'cloud-user:{u1}', token)],
      env: {BB_INTEGRATE_DEBUG: 'http'},
      debug: httpDebugFromEnv({BB_INTEGRATE_DEBUG: 'http'}, (t) => lines.push(t)),
    })
    // A server that echoes the credential into a next link, and a 503 to force a retry line.
    script(h.pool, '/2.0/repositories/ws', [{status: 503}, {status: 200, body: {values: [], next: `https://api.bitbucket.org/2.0/repositories/ws?page=2&access_token=${token}`}}])
    await h.client.request(`/repositories/ws?access_token=${token}`)
    const text = lines.join('')
    expect(text).toMatch(/^\* request GET https:\/\/api\.bitbucket\.org\/2\.0\/repositories\/ws\?access_token=\*\*\* \(credential default\/1, attempt 1\)$/m)
    expect(text).toMatch(/^\* response 503 GET /m)
    expect(text).toMatch(/^\* retry 1 of GET /m)
    expect(text).toMatch(/^\* response 200 GET .* in \d+ ms \(credential default\/1\)$/m)
    expect(text).not.toContain(token)
    expect(text).not.toContain('Bearer')
  })
})
