import type {Dispatcher} from 'undici'

export type ParsedBody = {ok: true; body: unknown} | {ok: false; text: string; error: Error}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b|^text\/json\b/i

export function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType.trim())
}

/** Header names lower-cased; repeated headers joined the way HTTP folds them. */
export function normaliseHeaders(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** JSON when the server says JSON (empty → null), text otherwise. A broken JSON body is reported, not thrown. */
export function parseBody(text: string, contentType: string | undefined): ParsedBody {
  if (!isJsonType(contentType)) return {ok: true, body: text}
  if (text.trim() === '') return {ok: true, body: null}
  try {
    return {ok: true, body: JSON.parse(text)}
  } catch (err) {
    return {ok: false, text, error: err instanceof Error ? err : new Error(String(err))}
  }
}
