import {GuardError, HttpError} from '../../errors.js'
import {CursorUnusableError, decodeLinkCursor, encodeLinkCursor, refusesCursor} from '../../http/cursor-link.js'
import type {HttpClient, Query} from '../../http/types.js'
import type {CloudPaged} from './raw.js'

export interface RawPage<T> {
  values: T[]
  /** What resumes after this page: the `next` link relative to the API base; null on the last page. */
  next: string | null
  size: number | null
}

/**
 * Walk a Cloud collection. The first request is `path` + `query`; every later one is the server's
 * `next` link (opaque; kept relative to the API base, see cursor-link.ts). A `next` link that leaves
 * the API is refused before its page is handed out, so it is never saved as a resume point. A
 * `cursor` from an earlier run replaces the first request; one this connection cannot use (another
 * host, garbage, or answered 400/404) throws CursorUnusableError so the caller can start over.
 */
export async function* cloudPages<T>(
  client: HttpClient,
  path: string,
  query: Query,
  options: {cursor?: string | null; signal?: AbortSignal; form?: URLSearchParams} = {},
): AsyncGenerator<RawPage<T>> {
  const base = new URL(client.baseUrl)
  let url: string | null = options.cursor ? decodeLinkCursor(base, options.cursor) : null
  let resumed = url !== null
  let first = !url
  while (first || url) {
    // `form`: parameters too long for a URL go as a POST form (Cloud's /commits accepts both).
    let res
    try {
      res = first
        ? await client.request<CloudPaged<T>>(path, options.form
          ? {method: 'POST', query, body: options.form.toString(), contentType: 'application/x-www-form-urlencoded', signal: options.signal}
          : {query, signal: options.signal})
        : await client.request<CloudPaged<T>>(url!, {signal: options.signal})
    } catch (error) {
      if (resumed && error instanceof HttpError && refusesCursor(error.status)) {
        throw new CursorUnusableError(`the server answered ${error.status}`, {cause: error})
      }
      throw error
    }
    first = false
    resumed = false
    const body = res.body ?? {}
    const link = typeof body.next === 'string' && body.next !== '' ? body.next : null
    const next = link === null ? null : encodeLinkCursor(base, link)
    if (link !== null && next === null) {
      throw new GuardError(`Refused to follow a pagination link outside ${base.origin}${base.pathname.replace(/\/+$/, '')}; it was not saved as a resume point.`, {
        code: 'foreign_origin',
        remedy: 'This looks like a bad or tampered pagination link; check the base URL of the connection (`bb-integrate validate`).',
      })
    }
    // A server that hands back the link it was just asked for would loop forever.
    if (link !== null && (link === url || next === url)) throw new Error(`Cloud pagination did not advance at ${link}`)
    // Within a run the link is followed verbatim (opaque); only the saved cursor is relative.
    url = link
    yield {values: body.values ?? [], next, size: typeof body.size === 'number' ? body.size : null}
  }
}
