/**
 * Data Center paging: `start` (0-based offset) and `limit`. Above the server's maximum DC clamps
 * instead of failing, and reports the clamped `limit`, so clients must read it back. `nextPageStart`
 * appears only when there is another page.
 */
import {DC_LIMIT_MAX} from '../world/limits.js'
import type {EmuResponse} from '../server/types.js'
import {badRequest} from './errors.js'

export const DC_LIMIT_DEFAULT = 25

export interface DcPage<T> {
  size: number
  limit: number
  isLastPage: boolean
  values: T[]
  start: number
  nextPageStart?: number
}

export interface PageRequest {
  start: number
  limit: number
}

/** Parse `start`/`limit`; a 400 for values DC rejects (negative or non-numeric). */
export function pageRequest(query: URLSearchParams): PageRequest | EmuResponse {
  const start = intParam(query.get('start'), 0)
  const limit = intParam(query.get('limit'), DC_LIMIT_DEFAULT)
  if (start === null || start < 0) return badRequest('The start parameter must be a non-negative integer.')
  if (limit === null || limit < 0) return badRequest('The limit parameter must be a non-negative integer.')
  // DC treats limit=0 as "use the default", and clamps anything above the configured maximum.
  return {start, limit: Math.min(limit === 0 ? DC_LIMIT_DEFAULT : limit, DC_LIMIT_MAX)}
}

function intParam(raw: string | null, fallback: number): number | null {
  if (raw === null || raw === '') return fallback
  if (!/^-?\d+$/.test(raw)) return null
  return Number(raw)
}

/** One page out of a complete list; `map` renders only the items on the page (lazy for big lists). */
export function page<W, T>(all: readonly W[], req: PageRequest, map: (item: W) => T): DcPage<T> {
  const slice = all.slice(req.start, req.start + req.limit)
  const isLastPage = req.start + slice.length >= all.length
  const out: DcPage<T> = {size: slice.length, limit: req.limit, isLastPage, values: slice.map(map), start: req.start}
  if (!isLastPage) out.nextPageStart = req.start + slice.length
  return out
}

/** Shorthand for a paged 200 response, or the paging parameters' 400. */
export function pagedResponse<W, T>(query: URLSearchParams, all: readonly W[], map: (item: W) => T): EmuResponse {
  const req = pageRequest(query)
  if (!('start' in req)) return req
  return {status: 200, body: page(all, req, map)}
}
