import {describe, expect, it} from 'vitest'
import {redact, redactError, redactValue} from '../../../src/core/http/redact.js'

describe('redact', () => {
  it('removes known secrets, also percent-encoded, longest first', () => {
    const secret = 'abc/def+ghi=jkl'
    const text = `token ${secret} and ${encodeURIComponent(secret)} and abc/def`
    const out = redact(text, [secret, 'abc/def'])
    expect(out).not.toContain(secret)
    expect(out).not.toContain(encodeURIComponent(secret))
    expect(out).not.toContain('abc/def')
    expect(out).toContain('***')
  })

  it('masks Authorization values and auth schemes', () => {
    expect(redact('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: ***')
    expect(redact('sent Basic dXNlcjpwYXNz to host')).toBe('sent Basic *** to host')
    expect(redact('{"authorization":"Bearer zzz"}')).not.toContain('zzz')
    expect(redact('Basic authentication failed; Bearer Token expected')).toBe('Basic authentication failed; Bearer Token expected')
  })

  it('masks token-like query values and JSON fields', () => {
    expect(redact('https://h/x?page=2&access_token=AAA&token=BBB#f')).toBe('https://h/x?page=2&access_token=***&token=***#f')
    expect(redact('{"access_token": "AAA", "refresh_token":"B\\"B", "scopes":"repo"}')).toBe(
      '{"access_token": "***", "refresh_token":"***", "scopes":"repo"}',
    )
    expect(redact('https://user:pa55@host/path')).toBe('https://***@host/path')
  })

  it('leaves ordinary text and very short strings alone', () => {
    expect(redact('GET https://api.bitbucket.org/2.0/repositories?page=2', ['ab'])).toBe(
      'GET https://api.bitbucket.org/2.0/repositories?page=2',
    )
  })

  it('redactValue and redactError clean nested values and cause chains', () => {
    expect(redactValue({a: ['x SECRET1 y'], n: 1}, ['SECRET1'])).toEqual({a: ['x *** y'], n: 1})
    const inner = Object.assign(new Error('inner SECRET1'), {code: 'ECONNRESET'})
    const err = redactError(new Error('outer SECRET1', {cause: inner}), ['SECRET1'])
    expect(err.message).toBe('outer ***')
    expect(err.stack).not.toContain('SECRET1')
    const cause = err.cause as Error & {code: string}
    expect(cause.message).toBe('inner ***')
    expect(cause.code).toBe('ECONNRESET')
  })
})
