import {BbError} from '../errors.js'
import {checkSameOrigin} from './origin-guard.js'

/**
 * The one codec for resume cursors that point at a page of a listing. A Cloud `next` link is stored
 * relative to the API base ("/repositories/ws/r/pullrequests?page=3"), so a cursor survives another
 * spelling of the same host and can never name a host of its own; a DC cursor is a `nextPageStart`.
 */

/** A saved cursor this connection cannot use: the listing must start again from its first page. */
export class CursorUnusableError extends BbError {
  constructor(reason: string, options: {cause?: unknown} = {}) {
    super(`The saved resume point cannot be used (${reason}).`, {code: 'cursor_unusable', cause: options.cause})
  }
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i

function basePath(base: URL): string {
  return base.pathname.replace(/\/+$/, '')
}

/**
 * A server's `next` link as a cursor relative to `base`, or null when the link leaves the API (another
 * origin, credentials in it, outside the base path): such a link is never followed nor saved.
 */
export function encodeLinkCursor(base: URL, link: string): string | null {
  if (!SCHEME.test(link)) return link.startsWith('/') ? link : null
  let url: URL
  try {
    url = new URL(link)
  } catch {
    return null
  }
  if (checkSameOrigin(base, url) !== null) return null
  const prefix = basePath(base)
  if (prefix !== '' && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null
  return `${url.pathname.slice(prefix.length) || '/'}${url.search}`
}

/**
 * The path (under `base`) a saved cursor resumes at. Cursors saved by earlier versions are absolute
 * links: one on the API's own origin is converted; anything else throws CursorUnusableError.
 */
export function decodeLinkCursor(base: URL, cursor: string): string {
  if (cursor.startsWith('/') && !cursor.startsWith('//')) return cursor
  if (!SCHEME.test(cursor)) throw new CursorUnusableError('not a link')
  let url: URL
  try {
    url = new URL(cursor)
  } catch {
    throw new CursorUnusableError('not a valid link')
  }
  const relative = encodeLinkCursor(base, cursor)
  if (relative === null) throw new CursorUnusableError(`it points at ${url.origin}, not ${base.origin}`)
  return relative
}

/** A DC `nextPageStart` cursor; anything but a non-negative integer is unusable. */
export function decodeStartCursor(cursor: string): number {
  const n = /^\d+$/.test(cursor) ? Number(cursor) : NaN
  if (!Number.isSafeInteger(n)) throw new CursorUnusableError('not a page start')
  return n
}

/** Whether a status answered to a resumed cursor means "this cursor is no good here". */
export function refusesCursor(status: number): boolean {
  return status === 400 || status === 404
}
