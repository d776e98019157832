import type {HttpClient, Query} from '../../http/types.js'
import type {CloudPaged} from './raw.js'

export interface RawPage<T> {
  values: T[]
  /** The opaque `next` URL: what resumes after this page; null on the last page. */
  next: string | null
  size: number | null
}

/**
 * Walk a Cloud collection. The first request is `path` + `query`; every later one is the server's
 * `next` link fetched verbatim (it is opaque; the HTTP client refuses a foreign origin). A `cursor`
 * is a `next` link from an earlier run and replaces the first request.
 */
export async function* cloudPages<T>(
  client: HttpClient,
  path: string,
  query: Query,
  options: {cursor?: string | null; signal?: AbortSignal; form?: URLSearchParams} = {},
): AsyncGenerator<RawPage<T>> {
  let url: string | null = options.cursor ?? null
  let first = !url
  while (first || url) {
    // `form`: parameters too long for a URL go as a POST form (Cloud's /commits accepts both).
    const res = first
      ? await client.request<CloudPaged<T>>(path, options.form
        ? {method: 'POST', query, body: options.form.toString(), contentType: 'application/x-www-form-urlencoded', signal: options.signal}
        : {query, signal: options.signal})
      : await client.request<CloudPaged<T>>(url!, {signal: options.signal})
    first = false
    const body = res.body ?? {}
    const next = typeof body.next === 'string' && body.next !== '' ? body.next : null
    // A server that hands back the link it was just asked for would loop forever.
    if (next !== null && next === url) throw new Error(`Cloud pagination did not advance at ${next}`)
    url = next
    yield {values: body.values ?? [], next, size: typeof body.size === 'number' ? body.size : null}
  }
}
