/**
 * Validates emulator responses against the vendored official response schemas
 * (emulator/schemas/*.json, produced by scripts/vendor-schemas.mjs). The operation map in each file
 * names, per "METHOD /spec/path" and status, the schema the spec declares; a failure lists every
 * offending instance path with the value found there, so a broken rendering is obvious at a glance.
 *
 * Where the spec itself is wrong about real Bitbucket, the schema is corrected here, one documented quirk
 * at a time, rather than loosening validation wholesale.
 */
import {readFileSync} from 'node:fs'

import {Ajv} from 'ajv'
import type {ErrorObject, ValidateFunction} from 'ajv'
import addFormatsModule from 'ajv-formats'

type Flavor = 'cloud' | 'datacenter'
type Schema = Record<string, unknown>

interface Vendored {
  operations: Record<string, Record<string, string>>
  definitions: Record<string, Schema>
}

export interface Quirk {
  flavor: Flavor
  reason: string
  /** Edit the vendored definitions in place; returns how many schema nodes changed (0 = stale quirk). */
  apply(definitions: Record<string, Schema>): number
}

/** The schema of `definition.property`, looking through Cloud's allOf subtyping. */
function propertyHolder(definitions: Record<string, Schema>, definition: string, property: string): Record<string, Schema> | undefined {
  const def = definitions[definition]
  const candidates = [def, ...((def?.allOf as Schema[] | undefined) ?? [])]
  for (const c of candidates) {
    const props = c?.properties as Record<string, Schema> | undefined
    if (props?.[property]) return props
  }
  return undefined
}

/** Replace `definition.property` with `schema(old)`. */
function patchProperty(definition: string, property: string, schema: (old: Schema) => Schema) {
  return (definitions: Record<string, Schema>): number => {
    const holder = propertyHolder(definitions, definition, property)
    if (!holder) return 0
    holder[property] = schema(holder[property] as Schema)
    return 1
  }
}

const orNull = (old: Schema): Schema => ({anyOf: [old, {type: 'null'}]})

/** Every inline rendered-content object ({raw, markup, html}, closed) anywhere in the definitions. */
function allowRenderedType(definitions: Record<string, Schema>): number {
  let changed = 0
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return
    if (Array.isArray(node)) return node.forEach(visit)
    const n = node as Schema
    const props = n.properties as Record<string, Schema> | undefined
    if (props && n.additionalProperties === false && 'raw' in props && 'markup' in props && 'html' in props && !('type' in props)) {
      props.type = {type: 'string', enum: ['rendered']}
      changed += 1
    }
    Object.values(n).forEach(visit)
  }
  visit(definitions)
  return changed
}

/**
 * Known differences between the official specs and what Bitbucket really sends. Each one is narrow, says
 * why, and fails loudly once the spec no longer has the problem (so stale exceptions get removed).
 */
export const QUIRKS: Quirk[] = [
  {
    flavor: 'datacenter',
    reason: 'Real DC error bodies carry "context": null for errors not tied to a field; the spec types it as a plain string.',
    apply: patchProperty('RestErrorMessage', 'context', () => ({type: ['string', 'null']})),
  },
  {
    flavor: 'cloud',
    reason: 'Cloud 403 scope errors put an object {required, granted} in error.detail (research §7); the spec says string.',
    apply: (d) => {
      const inner = propertyHolder(d, 'error', 'error')?.error?.properties as Record<string, Schema> | undefined
      if (!inner?.detail) return 0
      inner.detail = {anyOf: [{type: 'string'}, {type: 'object'}]}
      return 1
    },
  },
  {
    flavor: 'cloud',
    reason: 'Cloud rendered-content objects (summary, rendered.title, comment content) include "type": "rendered", which the spec closes out with additionalProperties: false.',
    apply: allowRenderedType,
  },
  {
    flavor: 'cloud',
    reason: 'An open pull request has "merge_commit": null and "closed_by": null on Cloud; the spec does not mark them nullable.',
    apply: (d) => patchProperty('pullrequest', 'merge_commit', orNull)(d) + patchProperty('pullrequest', 'closed_by', orNull)(d),
  },
  {
    flavor: 'cloud',
    reason: 'An empty repository has "mainbranch": null on Cloud; the spec does not mark it nullable.',
    apply: patchProperty('repository', 'mainbranch', orNull),
  },
  {
    flavor: 'cloud',
    reason: 'A participant who has not reviewed has "state": null on Cloud; the spec lists null in the enum but types the field as a non-nullable string.',
    apply: patchProperty('participant', 'state', orNull),
  },
  {
    flavor: 'cloud',
    reason: 'Cloud diffstat entries have "old": null for added files and "new": null for removed ones; the spec does not mark them nullable.',
    apply: (d) => patchProperty('diffstat', 'old', orNull)(d) + patchProperty('diffstat', 'new', orNull)(d),
  },
]

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function load(flavor: Flavor): Vendored {
  return JSON.parse(readFileSync(new URL(`../../emulator/schemas/${flavor}.json`, import.meta.url), 'utf8')) as Vendored
}

function applyQuirks(flavor: Flavor, definitions: Record<string, Schema>): void {
  for (const q of QUIRKS.filter((x) => x.flavor === flavor)) {
    if (q.apply(definitions) === 0) throw new Error(`stale quirk for ${flavor} (the vendored spec no longer matches it): ${q.reason}`)
  }
}

function pointerGet(root: unknown, pointer: string): unknown {
  if (pointer === '') return root
  let node: unknown = root
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined
  }
  return node
}

function describeErrors(errors: ErrorObject[], instance: unknown): string {
  return errors.slice(0, 15).map((e) => {
    const value = JSON.stringify(pointerGet(instance, e.instancePath)) ?? 'undefined'
    return `  at ${e.instancePath || '(root)'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)} — value ${value.length > 200 ? `${value.slice(0, 200)}…` : value} (schema ${e.schemaPath})`
  }).join('\n')
}

export class SpecValidator {
  private readonly ajv: Ajv
  private readonly vendored: Vendored
  private readonly cache = new Map<string, ValidateFunction>()

  constructor(readonly flavor: Flavor) {
    this.vendored = load(flavor)
    applyQuirks(flavor, this.vendored.definitions)
    // allErrors so a failure shows every bad field at once; strict stays on for the schemas themselves.
    this.ajv = new Ajv({allErrors: true, strict: true, strictTypes: false, strictTuples: false})
    addFormats(this.ajv)
    const int = (bits: number) => ({type: 'number' as const, validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1)})
    this.ajv.addFormat('int32', int(32))
    this.ajv.addFormat('int64', int(64))
    this.ajv.addSchema({$id: `${flavor}.json`, definitions: this.vendored.definitions})
  }

  /** The pointer the spec declares for an operation's response, or undefined when it declares none. */
  pointer(operation: string, status: number | string): string | undefined {
    const op = this.vendored.operations[operation]
    if (!op) throw new Error(`${operation} is not vendored for ${this.flavor}; add it to scripts/vendor-schemas.mjs`)
    return op[String(status)] ?? op.default
  }

  /** Validate against a schema given directly (for spec gaps), referencing vendored definitions by name. */
  validateWith(schema: Schema, instance: unknown, label: string): void {
    const key = JSON.stringify(schema)
    let validate = this.cache.get(key)
    if (!validate) {
      validate = this.ajv.compile(schema)
      this.cache.set(key, validate)
    }
    if (!validate(instance)) throw new Error(`${this.flavor} ${label} does not match the spec:\n${describeErrors(validate.errors ?? [], instance)}`)
  }

  ref(definition: string): Schema {
    if (!this.vendored.definitions[definition]) throw new Error(`${definition} is not vendored for ${this.flavor}`)
    return {$ref: `${this.flavor}.json#/definitions/${definition}`}
  }

  /** Validate a response body against the operation's declared schema for that status. */
  validate(operation: string, status: number, body: unknown): void {
    const pointer = this.pointer(operation, status)
    if (!pointer) throw new Error(`the spec declares no JSON body for ${operation} → ${status}`)
    this.validateWith({$ref: `${this.flavor}.json${pointer}`}, body, `${operation} → ${status}`)
  }
}
