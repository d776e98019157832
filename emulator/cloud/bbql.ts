/**
 * A BBQL subset evaluated against rendered Cloud JSON: comparisons (= != ~ !~ > >= < <=) on dotted
 * fields, AND / OR / parentheses, string/number/boolean/null literals and bare ISO datetimes. Enough for
 * `updated_on > "2026-01-01T00:00:00+00:00" AND state = "OPEN"` and `project.key = "ABC"`.
 */
type Value = string | number | boolean | null
type Node =
  | {kind: 'cmp'; field: string; op: string; value: Value}
  | {kind: 'and' | 'or'; left: Node; right: Node}

export class BbqlError extends Error {}

const TOKEN = /\s*(\(|\)|!=|!~|>=|<=|=|~|>|<|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s()=!~<>"']+)/y

function tokenize(q: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  let pos = 0
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break
    TOKEN.lastIndex = pos
    const m = TOKEN.exec(q)
    if (!m) throw new BbqlError(`unexpected input at ${pos}`)
    tokens.push(m[1] as string)
    pos = TOKEN.lastIndex
  }
  return tokens
}

export function parseBbql(q: string): Node {
  const tokens = tokenize(q)
  let i = 0
  const peek = () => tokens[i]
  const take = () => {
    const t = tokens[i]
    if (t === undefined) throw new BbqlError('unexpected end of query')
    i += 1
    return t
  }
  const literal = (t: string): Value => {
    if (/^["'].*["']$/.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1')
    if (t === 'null') return null
    if (t === 'true' || t === 'false') return t === 'true'
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t)
    // Bare datetimes are allowed by BBQL ("updated_on > 2026-01-01T00:00:00+00:00").
    if (!Number.isNaN(Date.parse(t))) return t
    throw new BbqlError(`invalid value ${t}`)
  }
  const primary = (): Node => {
    if (peek() === '(') {
      take()
      const node = expr()
      if (take() !== ')') throw new BbqlError('expected )')
      return node
    }
    const field = take()
    if (!/^[A-Za-z_][\w.]*$/.test(field)) throw new BbqlError(`invalid field ${field}`)
    const op = take()
    if (!['=', '!=', '~', '!~', '>', '>=', '<', '<='].includes(op)) throw new BbqlError(`invalid operator ${op}`)
    return {kind: 'cmp', field, op, value: literal(take())}
  }
  const conj = (): Node => {
    let left = primary()
    while (peek()?.toUpperCase() === 'AND') {
      take()
      left = {kind: 'and', left, right: primary()}
    }
    return left
  }
  const expr = (): Node => {
    let left = conj()
    while (peek()?.toUpperCase() === 'OR') {
      take()
      left = {kind: 'or', left, right: conj()}
    }
    return left
  }
  const node = expr()
  if (i !== tokens.length) throw new BbqlError(`unexpected ${tokens[i]}`)
  return node
}

function lookup(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

const DATE_FIELD = /(_on|_at|date)$/

function compare(actual: unknown, op: string, expected: Value, field: string): boolean {
  if (op === '~' || op === '!~') {
    const hit = typeof actual === 'string' && typeof expected === 'string' && actual.toLowerCase().includes(expected.toLowerCase())
    return op === '~' ? hit : !hit
  }
  let a: unknown = actual
  let b: unknown = expected
  if (DATE_FIELD.test(field) && typeof actual === 'string' && typeof expected === 'string') {
    a = Date.parse(actual)
    b = Date.parse(expected)
  }
  switch (op) {
    case '=':
      return a === b
    case '!=':
      return a !== b
    default: {
      if (a === null || a === undefined || b === null) return false
      const x = a as number | string
      const y = b as number | string
      return op === '>' ? x > y : op === '>=' ? x >= y : op === '<' ? x < y : x <= y
    }
  }
}

export function matches(node: Node, obj: unknown): boolean {
  if (node.kind === 'and') return matches(node.left, obj) && matches(node.right, obj)
  if (node.kind === 'or') return matches(node.left, obj) || matches(node.right, obj)
  if (node.kind !== 'cmp') return false
  return compare(lookup(obj, node.field), node.op, node.value, node.field)
}

/** The dotted fields a query compares. */
export function fieldsOf(node: Node): string[] {
  return node.kind === 'cmp' ? [node.field] : [...fieldsOf(node.left), ...fieldsOf(node.right)]
}

/** The field a `sort=` parameter orders by. */
export const sortField = (sort: string): string => (sort.startsWith('-') ? sort.slice(1) : sort)

/** `sort=field` / `sort=-field` on rendered objects (each item's key computed once, the sort stable). */
export function sortBy<T>(items: T[], sort: string, view: (item: T) => unknown): T[] {
  const desc = sort.startsWith('-')
  const field = sortField(sort)
  const keyed = items.map((item, index) => {
    const v = lookup(view(item), field)
    return {item, index, key: (DATE_FIELD.test(field) && typeof v === 'string' ? Date.parse(v) : v) as number | string | null | undefined}
  })
  keyed.sort((x, y) => {
    const a = x.key
    const b = y.key
    const c = a === b ? 0 : a === undefined || a === null ? 1 : b === undefined || b === null ? -1 : a < b ? -1 : 1
    return (desc ? -c : c) || x.index - y.index
  })
  return keyed.map((k) => k.item)
}
