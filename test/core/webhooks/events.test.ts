import {createHmac} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {parseDuration} from '../../../src/core/webhooks/duration.js'
import {PayloadError, isKnownEventKey, parseDelivery} from '../../../src/core/webhooks/events.js'
import {verifySignature} from '../../../src/core/webhooks/receiver.js'

const AT = '2026-12-06T10:00:00.000Z'

describe('what a delivery names', () => {
  it('reads the repository and PR id from Cloud and Data Center payloads, and nothing else', () => {
    expect(parseDelivery('pullrequest:fulfilled', {repository: {full_name: 'acme/api'}, pullrequest: {id: 7, merge_commit: {hash: 'abcdef123456'}}}, AT))
      .toEqual({repo: 'acme/api', changes: [{kind: 'pullRequest', repo: 'acme/api', id: 7}]})
    expect(parseDelivery('pr:reviewer:needs_work', {pullRequest: {id: 3, toRef: {repository: {slug: 'api', project: {key: 'ACME'}}}}}, AT))
      .toEqual({repo: 'ACME/api', changes: [{kind: 'pullRequest', repo: 'ACME/api', id: 3}]})
    expect(parseDelivery('repo:refs_changed', {repository: {slug: 'api', project: {key: 'ACME'}}, changes: []}, AT).changes).toEqual([{kind: 'push', repo: 'ACME/api'}])
    expect(parseDelivery('repo:push', {repository: {full_name: 'acme/api'}, push: {changes: [{truncated: true}]}}, AT).changes).toEqual([{kind: 'push', repo: 'acme/api'}])
    expect(parseDelivery('repo:deleted', {repository: {full_name: 'acme/api'}}, AT).changes).toEqual([{kind: 'repoDeleted', repo: 'acme/api', at: AT}])
    expect(parseDelivery('diagnostics:ping', {test: true}, AT)).toEqual({repo: null, changes: []})
  })

  it('refuses payloads that do not name what their key says, and unknown keys', () => {
    expect(() => parseDelivery('pullrequest:created', {repository: {full_name: 'acme/api'}}, AT)).toThrow(PayloadError)
    expect(() => parseDelivery('pullrequest:created', {pullrequest: {id: 1}}, AT)).toThrow(/without its repository/)
    expect(() => parseDelivery('repo:push', [1, 2], AT)).toThrow(/not a JSON object/)
    expect(() => parseDelivery('pullrequest:created', {repository: {full_name: '../x/y'}, pullrequest: {id: 1}}, AT)).toThrow(PayloadError)
    expect(isKnownEventKey('pr:reviewer:needs_work')).toBe(true)
    expect(isKnownEventKey('pullrequest:exploded')).toBe(false)
  })

  it('verifies sha256= signatures over the exact bytes only', () => {
    const body = Buffer.from('{"a":1}')
    const good = `sha256=${createHmac('sha256', 's3').update(body).digest('hex')}`
    expect(verifySignature('s3', body, good)).toBe(true)
    expect(verifySignature('s3', Buffer.from('{"a": 1}'), good)).toBe(false)
    expect(verifySignature('other', body, good)).toBe(false)
    expect(verifySignature('s3', body, good.replace('sha256=', 'sha1='))).toBe(false)
    expect(verifySignature('s3', body, 'sha256=zz')).toBe(false)
    expect(verifySignature('s3', body, undefined)).toBe(false)
  })

  it('parses --resync-every durations', () => {
    expect(parseDuration('15m', '--resync-every')).toBe(900_000)
    expect(parseDuration('1h30m', '--resync-every')).toBe(5_400_000)
    expect(() => parseDuration('soon', '--resync-every')).toThrow(/Invalid --resync-every "soon"/)
    expect(() => parseDuration('0s', '--resync-every')).toThrow(/at least 1s/)
  })
})
