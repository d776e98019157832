import {describe, expect, it} from 'vitest'
import {classifyTransportError, describeTransportFailure} from '../../../src/core/http/network-errors.js'

const coded = (message: string, code: string, cause?: unknown) => Object.assign(new Error(message, {cause}), {code})

describe('classifyTransportError', () => {
  it.each([
    [coded('self signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', 'never'],
    [coded('fetch failed', 'UND_ERR_X', coded('unable to get local issuer', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')), 'tls', 'never'],
    [coded('getaddrinfo ENOTFOUND x', 'ENOTFOUND'), 'dns', 'never'],
    [coded('getaddrinfo EAI_AGAIN x', 'EAI_AGAIN'), 'dns', 'always'],
    [Object.assign(new AggregateError([coded('a', 'ECONNREFUSED'), coded('b', 'ECONNREFUSED')], 'connect failed')), 'refused', 'always'],
    [coded('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'), 'connect-timeout', 'always'],
    [coded('other side closed', 'UND_ERR_SOCKET'), 'reset', 'idempotent'],
    [new Error('socket hang up'), 'reset', 'idempotent'],
    [coded('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT'), 'timeout', 'idempotent'],
    [coded('Proxy response (407) !== 200 when HTTP Tunneling', 'UND_ERR_ABORTED'), 'proxy', 'never'],
    [new Error('something odd'), 'other', 'never'],
  ])('%s → %s, retry %s', (err, kind, retry) => {
    expect(classifyTransportError(err)).toMatchObject({kind, retry})
  })

  it('points at the proxy only when one is configured', () => {
    const refused = classifyTransportError(coded('x', 'ECONNREFUSED'))
    expect(describeTransportFailure(refused, 'bb.corp:7990', 1000).remedy).not.toMatch(/proxy/i)
    expect(describeTransportFailure(refused, 'bb.corp:7990', 1000, true).remedy).toMatch(/HTTPS_PROXY/)
    expect(describeTransportFailure(refused, 'bb.corp:7990', 1000).message).toContain('bb.corp:7990')
  })
})
