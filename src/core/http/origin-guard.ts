import type {Query} from './types.js'

const SCHEME = /^[a-z][a-z0-9+.-]*:/i

export type Resolved = {ok: true; url: URL} | {ok: false; url: string; reason: string}

/**
 * Builds the URL for a path under baseUrl or an absolute URL (a `next` link). An absolute URL must
 * share baseUrl's origin: credentials are attached to every request, so following a link to another
 * host would hand them over.
 */
export function resolveRequestUrl(base: URL, pathOrUrl: string, query?: Query): Resolved {
  let url: URL
  if (SCHEME.test(pathOrUrl)) {
    try {
      url = new URL(pathOrUrl)
    } catch {
      return {ok: false, url: pathOrUrl, reason: 'not a valid URL'}
    }
    const refusal = checkSameOrigin(base, url)
    if (refusal) return {ok: false, url: pathOrUrl, reason: refusal}
  } else {
    // Concatenate instead of `new URL(path, base)`: "//evil.example/x" or "../" must stay a path on our host.
    const basePath = base.pathname.replace(/\/+$/, '')
    const path = pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`
    url = new URL(`${base.origin}${basePath}${path}`)
    if (url.origin !== base.origin) return {ok: false, url: pathOrUrl, reason: 'resolves to another origin'}
  }
  appendQuery(url, query)
  return {ok: true, url}
}

export function checkSameOrigin(base: URL, url: URL): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol} is not allowed`
  if (url.username !== '' || url.password !== '') return 'URL carries its own credentials'
  if (url.origin !== base.origin) return `origin ${url.origin} differs from ${base.origin}`
  return null
}

function appendQuery(url: URL, query: Query | undefined): void {
  if (!query) return
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item))
    else url.searchParams.append(key, String(value))
  }
}
