import {HttpError} from '../../errors.js'
import {CursorUnusableError, decodeStartCursor, refusesCursor} from '../../http/cursor-link.js'
import type {HttpClient, Query} from '../../http/types.js'
import type {DcPaged} from './raw.js'

/** Ask for this many; DC clamps to its configured maximum and reports the `limit` it used. */
export const DC_LIMIT = 1000

export interface DcRawPage<T> {
  values: T[]
  /** `nextPageStart` as a string: what resumes after this page; null on the last page. */
  next: string | null
}

/**
 * Walk a DC collection with `start`/`limit`. The next start is always the server's `nextPageStart`
 * (ids need not be contiguous), and the walk ends on `isLastPage`. A `cursor` is a `nextPageStart`
 * from an earlier run; one that is not a page start, or that the server answers 400/404, throws
 * CursorUnusableError so the caller can start over.
 */
export async function* dcPages<T>(
  client: HttpClient,
  path: string,
  query: Query,
  options: {cursor?: string | null; signal?: AbortSignal; limit?: number} = {},
): AsyncGenerator<DcRawPage<T>> {
  let start = options.cursor ? decodeStartCursor(options.cursor) : 0
  let resumed = start > 0
  for (;;) {
    let res
    try {
      res = await client.request<DcPaged<T> | T[]>(path, {
        query: {...query, start, limit: options.limit ?? DC_LIMIT}, signal: options.signal,
      })
    } catch (error) {
      if (resumed && error instanceof HttpError && refusesCursor(error.status)) {
        throw new CursorUnusableError(`the server answered ${error.status}`, {cause: error})
      }
      throw error
    }
    resumed = false
    // A few older resources answer with a bare array: that is the whole collection.
    if (Array.isArray(res.body)) {
      yield {values: res.body, next: null}
      return
    }
    const body = res.body ?? {}
    const values = body.values ?? []
    const nextStart = typeof body.nextPageStart === 'number' ? body.nextPageStart : null
    // Stop on isLastPage, and also when a server omits nextPageStart or fails to advance.
    const last = body.isLastPage !== false || nextStart === null || nextStart <= start
    yield {values, next: last ? null : String(nextStart)}
    if (last) return
    start = nextStart
  }
}
