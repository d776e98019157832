import {describe, expect, it} from 'vitest'

import {AuthError, HttpError} from '../../../src/core/errors.js'
import {errorForStatus, type StatusContext} from '../../../src/core/http/status-errors.js'

const ctx = (over: Partial<StatusContext>): StatusContext => ({
  status: 401, method: 'GET', url: 'https://api.bitbucket.org/2.0/user', credentialId: 'default/1',
  info: {message: null, required: null, granted: null}, body: null, attempts: 1, ...over,
})

describe('errorForStatus', () => {
  it('quotes the server without doubling its full stop', () => {
    const e = errorForStatus(ctx({info: {message: 'Invalid credentials.', required: null, granted: null}}))
    expect(e).toBeInstanceOf(AuthError)
    expect(e.message).toBe('Bitbucket rejected credential "default/1" (401 Unauthorized) for GET https://api.bitbucket.org/2.0/user: Invalid credentials.')
    const nf = errorForStatus(ctx({status: 404, info: {message: "No workspace with identifier 'x'.", required: null, granted: null}}))
    expect(nf).toBeInstanceOf(HttpError)
    expect(nf.message).toMatch(/: No workspace with identifier 'x'\.$/)
    expect(nf.message).not.toContain('..')
  })

  it('a rejected BB_INTEGRATE_TOKEN points at the environment, not at `connect`', () => {
    const env = errorForStatus(ctx({credentialId: 'default/env'}))
    expect(env.remedy).toContain('BB_INTEGRATE_TOKEN')
    expect(env.remedy).not.toContain('connect')
    expect(errorForStatus(ctx({})).remedy).toContain('bb-integrate connect')
  })
})
