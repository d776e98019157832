import {describe, expect, it} from 'vitest'

import {GuardError, HttpError} from '../../../src/core/errors.js'
import {CursorUnusableError, decodeLinkCursor, decodeStartCursor, encodeLinkCursor} from '../../../src/core/http/cursor-link.js'
import {cloudPages} from '../../../src/core/provider/cloud/paginate.js'
import {dcPages} from '../../../src/core/provider/datacenter/paginate.js'
import type {HttpClient, HttpResponse, RequestOptions} from '../../../src/core/http/types.js'

const base = new URL('http://127.0.0.1:7990/2.0')

describe('cursor-link: resume cursors are relative to the API base', () => {
  it('stores a next link on the API as a path under the base, and refuses one that leaves it', () => {
    expect(encodeLinkCursor(base, 'http://127.0.0.1:7990/2.0/repositories/w/r/pullrequests?page=2&pagelen=50')).toBe('/repositories/w/r/pullrequests?page=2&pagelen=50')
    expect(encodeLinkCursor(base, 'http://evil.example/2.0/repositories/w/r?page=2')).toBeNull()
    expect(encodeLinkCursor(base, 'http://u:p@127.0.0.1:7990/2.0/x?page=2')).toBeNull()
    expect(encodeLinkCursor(base, 'http://127.0.0.1:7990/other/x?page=2')).toBeNull()
  })

  it('decodes relative cursors as they are, converts old absolute ones on the same origin, and refuses the rest', () => {
    expect(decodeLinkCursor(base, '/repositories/w/r/commits?page=abc')).toBe('/repositories/w/r/commits?page=abc')
    expect(decodeLinkCursor(base, 'http://127.0.0.1:7990/2.0/repositories/w/r/commits?page=abc')).toBe('/repositories/w/r/commits?page=abc')
    expect(() => decodeLinkCursor(base, 'http://localhost:7990/2.0/repositories/w/r/commits?page=abc')).toThrow(CursorUnusableError)
    expect(() => decodeLinkCursor(base, 'https://evil.example/2.0/x')).toThrow(/points at https:\/\/evil.example/)
    expect(() => decodeLinkCursor(base, '{"page":2}')).toThrow(CursorUnusableError)
    expect(() => decodeLinkCursor(base, '//evil.example/x')).toThrow(CursorUnusableError)
    expect(decodeStartCursor('250')).toBe(250)
    expect(() => decodeStartCursor('-1')).toThrow(CursorUnusableError)
    expect(() => decodeStartCursor('abc')).toThrow(CursorUnusableError)
  })
})

/** A client that answers from a table of path → body and throws HttpError for a status. */
function client(answers: Record<string, {status?: number; body?: unknown}>, baseUrl = base.toString()): HttpClient & {calls: string[]} {
  const calls: string[] = []
  return {
    baseUrl,
    calls,
    async request<T>(pathOrUrl: string, _options: RequestOptions = {}): Promise<HttpResponse<T>> {
      calls.push(pathOrUrl)
      const key = pathOrUrl.replace(/^http:\/\/127\.0\.0\.1:7990\/2\.0/, '')
      const a = answers[key] ?? {status: 404}
      if ((a.status ?? 200) >= 400) throw new HttpError(`HTTP ${a.status}`, a.status!)
      return {status: 200, headers: {}, body: a.body as T, credentialId: 't'}
    },
    stats: () => ({requests: calls.length, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0}),
    rateLimits: () => [],
    close: async () => undefined,
  }
}

async function pages<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const p of it) out.push(p)
  return out
}

describe('cloudPages', () => {
  it('hands out relative cursors and resumes from one', async () => {
    const c = client({
      '/items': {body: {values: [1], next: 'http://127.0.0.1:7990/2.0/items?page=2'}},
      '/items?page=2': {body: {values: [2]}},
    })
    const all = await pages(cloudPages<number>(c, '/items', {}))
    expect(all.map((p) => p.next)).toEqual(['/items?page=2', null])
    const resumed = await pages(cloudPages<number>(c, '/items', {}, {cursor: '/items?page=2'}))
    expect(resumed.map((p) => p.values)).toEqual([[2]])
  })

  it('refuses a foreign next link before handing out its page, so it is never saved', async () => {
    const c = client({'/items': {body: {values: [1], next: 'https://evil.example/2.0/items?page=2'}}})
    const seen: Array<string | null> = []
    const error = await (async () => {
      for await (const p of cloudPages<number>(c, '/items', {})) seen.push(p.next)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GuardError)
    expect(seen).toEqual([])
    expect(c.calls).toEqual(['/items'])
  })

  it('a saved cursor on another host, or one the server answers 404 to, is unusable', async () => {
    const c = client({})
    await expect(pages(cloudPages(c, '/items', {}, {cursor: 'http://localhost:7990/2.0/items?page=2'}))).rejects.toBeInstanceOf(CursorUnusableError)
    expect(c.calls).toEqual([])
    await expect(pages(cloudPages(c, '/items', {}, {cursor: '/items?page=9'}))).rejects.toThrow(/answered 404/)
    // Without a cursor, a 404 stays what it is.
    await expect(pages(cloudPages(c, '/items', {}))).rejects.toBeInstanceOf(HttpError)
  })
})

describe('dcPages', () => {
  it('an unparsable start or a 400 to a resumed start is unusable', async () => {
    const c = client({})
    await expect(pages(dcPages(c, '/x', {}, {cursor: 'nope'}))).rejects.toBeInstanceOf(CursorUnusableError)
    const bad = client({'/x': {status: 400}})
    await expect(pages(dcPages(bad, '/x', {}, {cursor: '25'}))).rejects.toThrow(/answered 400/)
  })
})
