/**
 * Cloud partial responses (`fields=`): `-path` removes, `+path` adds fields that are not rendered by
 * default (PR `participants`/`reviewers` on collections), plain paths select only those fields;
 * `*` matches any key at one level. Applied to the whole response body (so paths start with `values.`).
 */
export interface FieldSpec {
  add: string[][]
  remove: string[][]
  select: string[][]
}

export function parseFields(raw: string | null): FieldSpec {
  const spec: FieldSpec = {add: [], remove: [], select: []}
  if (!raw) return spec
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part.startsWith('+')) spec.add.push(part.slice(1).split('.'))
    else if (part.startsWith('-')) spec.remove.push(part.slice(1).split('.'))
    else spec.select.push(part.split('.'))
  }
  return spec
}

/** True when `+path` (or a selection naming it) asks for the optional field at `path`. */
export function wants(spec: FieldSpec, path: string): boolean {
  const target = path.split('.')
  return [...spec.add, ...spec.select].some((p) => p.length === target.length && p.every((seg, i) => seg === '*' || seg === target[i]))
}

function removePath(value: unknown, path: string[]): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const v of value) removePath(v, path)
    return
  }
  const [head, ...rest] = path
  const obj = value as Record<string, unknown>
  for (const key of head === '*' ? Object.keys(obj) : [head as string]) {
    if (!(key in obj)) continue
    if (rest.length === 0) delete obj[key]
    else removePath(obj[key], rest)
  }
}

function selectPaths(value: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0)) return value
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => selectPaths(v, paths))
  const obj = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(obj)) {
    const sub = paths.filter((p) => p[0] === key || p[0] === '*').map((p) => p.slice(1))
    if (sub.length) out[key] = selectPaths(obj[key], sub)
  }
  return out
}

export function applyFields(body: unknown, spec: FieldSpec): unknown {
  let out = body
  // Pagination keys always survive a selection, as on Cloud, so clients can keep following `next`.
  if (spec.select.length) out = selectPaths(out, [...spec.select, ...spec.add, ['next'], ['pagelen'], ['page'], ['size'], ['previous']])
  for (const p of spec.remove) removePath(out, p)
  return out
}
