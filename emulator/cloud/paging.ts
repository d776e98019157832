/**
 * Cloud pagination. Page-numbered collections answer `{size, page, pagelen, next, previous, values}`;
 * `pagelen` above the endpoint's maximum is a 400 "Invalid pagelen", as Cloud does for PRs above 50.
 * `next` is an absolute URL on the request's origin that keeps every other query parameter.
 */
import type {EmuRequest, EmuResponse} from '../server/types.js'
import {CLOUD_PAGELEN_DEFAULT, CLOUD_PAGELEN_MAX} from '../world/limits.js'
import {badRequest} from './errors.js'

export interface PageLimits {
  defaultPagelen?: number
  maxPagelen?: number
}

export function pagelenOf(req: EmuRequest, limits: PageLimits): number | EmuResponse {
  const raw = req.query.get('pagelen')
  const max = limits.maxPagelen ?? CLOUD_PAGELEN_MAX
  if (raw === null || raw === '') return Math.min(limits.defaultPagelen ?? CLOUD_PAGELEN_DEFAULT, max)
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) return badRequest('Invalid pagelen')
  return n
}

export function linkWith(req: EmuRequest, changes: Record<string, string | null>): string {
  const query = new URLSearchParams(req.query)
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) query.delete(k)
    else query.set(k, v)
  }
  const qs = query.toString()
  return `${req.origin}${req.path}${qs ? `?${qs}` : ''}`
}

/** Page-numbered page of already filtered and sorted items; `render` runs only on the page's items. */
export function pageOf<T>(req: EmuRequest, items: readonly T[], render: (item: T) => unknown, limits: PageLimits = {}): EmuResponse {
  const pagelen = pagelenOf(req, limits)
  if (typeof pagelen !== 'number') return pagelen
  const rawPage = req.query.get('page')
  const page = rawPage === null || rawPage === '' ? 1 : Number(rawPage)
  if (!Number.isInteger(page) || page < 1) return badRequest('Invalid page')
  const start = (page - 1) * pagelen
  const body: Record<string, unknown> = {
    size: items.length,
    page,
    pagelen,
    values: items.slice(start, start + pagelen).map(render),
  }
  if (start + pagelen < items.length) body.next = linkWith(req, {page: String(page + 1)})
  if (page > 1) body.previous = linkWith(req, {page: String(page - 1)})
  return {status: 200, body}
}

/**
 * Iterator pagination (commits, activity): no `size` or `page`, only an opaque cursor in `next`.
 * `cursorOf(item)` names the first item of the next page; `startAt(cursor)` finds it again.
 */
export function iteratorPage<T>(req: EmuRequest, items: readonly T[], render: (item: T) => unknown, options: PageLimits & {param: string; cursorOf(item: T): string; startAt(cursor: string): number}): EmuResponse {
  const pagelen = pagelenOf(req, options)
  if (typeof pagelen !== 'number') return pagelen
  const cursor = req.query.get(options.param)
  let start = 0
  if (cursor) {
    start = options.startAt(cursor)
    if (start < 0) return badRequest('Invalid cursor')
  }
  const body: Record<string, unknown> = {pagelen, values: items.slice(start, start + pagelen).map(render)}
  const nextItem = items[start + pagelen]
  if (nextItem !== undefined) body.next = linkWith(req, {[options.param]: options.cursorOf(nextItem)})
  return {status: 200, body}
}
