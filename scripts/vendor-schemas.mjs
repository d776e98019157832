#!/usr/bin/env node
/**
 * Vendor the response schemas the emulator serves from the official OpenAPI specs (../shared/specs) into
 * emulator/schemas/{cloud,datacenter}.json, so the contract tests run without the 1.2 MB specs.
 *
 * Only the operations listed below are kept, with every `$ref` they reach resolved transitively. OpenAPI
 * 3.0 schema dialect is converted to JSON Schema draft-07 for ajv: `nullable` becomes a type union,
 * `discriminator`/`example`/`xml`/`x-*` and descriptions are dropped, `readOnly`/`writeOnly` stay as
 * annotations (we validate responses, where readOnly fields belong). Cloud's polymorphism is an `allOf`
 * of the base `object` (with its required `type`) and the subtype's properties; that is plain JSON
 * Schema once the discriminator is gone, so it validates unchanged.
 *
 * Output: {$comment, source, operations: {"GET /path": {"200": "#/definitions/…", "404": …}}, definitions}.
 * Usage: node scripts/vendor-schemas.mjs [specs-dir] [--out dir]
 *   specs-dir defaults to ../shared/specs next to the repository; --out to emulator/schemas.
 */
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const outFlag = args.indexOf('--out')
const outDir = outFlag >= 0 ? resolve(args[outFlag + 1]) : join(root, 'emulator', 'schemas')
const positional = args.filter((_, i) => outFlag < 0 || (i !== outFlag && i !== outFlag + 1))
const specsDir = resolve(positional[0] ?? join(root, '..', 'shared', 'specs'))

/** Operations the emulator serves, by spec path. Keep in step with emulator/{cloud,datacenter}. */
const FLAVOURS = {
  cloud: {
    file: 'bitbucket-cloud-2.0-swagger.v3.json',
    operations: [
      'GET /user', 'GET /user/workspaces', 'GET /workspaces/{workspace}', 'GET /workspaces/{workspace}/projects',
      'GET /user/workspaces/{workspace}/permission', 'GET /user/workspaces/{workspace}/permissions/repositories',
      'GET /repositories/{workspace}', 'GET /repositories/{workspace}/{repo_slug}',
      'GET /repositories/{workspace}/{repo_slug}/refs/branches',
      'GET /repositories/{workspace}/{repo_slug}/pullrequests', 'GET /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}',
      'GET /repositories/{workspace}/{repo_slug}/pullrequests/activity',
      'GET /repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/activity',
      'GET /repositories/{workspace}/{repo_slug}/commits', 'GET /repositories/{workspace}/{repo_slug}/commits/{revision}',
      'GET /repositories/{workspace}/{repo_slug}/commit/{commit}', 'GET /repositories/{workspace}/{repo_slug}/diffstat/{spec}',
      'GET /repositories/{workspace}/{repo_slug}/hooks', 'POST /repositories/{workspace}/{repo_slug}/hooks',
      'GET /repositories/{workspace}/{repo_slug}/hooks/{uid}', 'PUT /repositories/{workspace}/{repo_slug}/hooks/{uid}',
      'GET /workspaces/{workspace}/hooks', 'POST /workspaces/{workspace}/hooks',
      'GET /workspaces/{workspace}/hooks/{uid}', 'PUT /workspaces/{workspace}/hooks/{uid}',
      'GET /hook_events/{subject_type}',
    ],
    // The spec gives PR activity no schema; its entries embed these, which the contract test checks.
    extraDefinitions: ['pullrequest_comment', 'participant', 'pullrequest'],
  },
  datacenter: {
    file: 'bitbucket-datacenter-9.4-openapi.json',
    operations: [
      'GET /api/latest/application-properties', 'GET /api/latest/users/{userSlug}',
      'GET /api/latest/projects', 'GET /api/latest/projects/{projectKey}', 'GET /api/latest/projects/{projectKey}/repos',
      'GET /api/latest/repos', 'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/default-branch',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/branches',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/commits',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}/changes',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/activities',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/participants',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks', 'POST /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/{webhookId}', 'PUT /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/{webhookId}',
      'POST /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/test',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/search',
      'GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/{webhookId}/latest',
      'GET /api/latest/projects/{projectKey}/webhooks/{webhookId}/latest',
      'GET /api/latest/projects/{projectKey}/webhooks', 'POST /api/latest/projects/{projectKey}/webhooks',
      'GET /api/latest/projects/{projectKey}/webhooks/{webhookId}', 'PUT /api/latest/projects/{projectKey}/webhooks/{webhookId}',
      'POST /api/latest/projects/{projectKey}/webhooks/test',
    ],
    // The spec declares the webhook list as an untyped page; the contract test checks it as a page of these.
    extraDefinitions: ['RestWebhook', 'RestErrors'],
  },
}

const DROP = new Set(['discriminator', 'example', 'examples', 'xml', 'externalDocs', 'deprecated', 'description', 'title', 'nullable'])
/** Keywords whose value is a map of names to schemas (names are not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties'])
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf'])
const SCHEMA_ONE = new Set(['items', 'additionalProperties', 'not'])

const COMPONENT = '#/components/schemas/'

/** OpenAPI 3.0 schema → draft-07, collecting referenced component names into `refs`. */
function convert(node, refs) {
  if (typeof node !== 'object' || node === null) return node
  if (node.$ref) {
    if (!node.$ref.startsWith(COMPONENT)) throw new Error(`unsupported $ref ${node.$ref}`)
    const name = node.$ref.slice(COMPONENT.length)
    refs.add(name)
    const ref = {$ref: `#/definitions/${name}`}
    return node.nullable ? {anyOf: [ref, {type: 'null'}]} : ref
  }
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key) || key.startsWith('x-')) continue
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, refs)]))
    else if (SCHEMA_LISTS.has(key)) out[key] = value.map((v) => convert(v, refs))
    else if (SCHEMA_ONE.has(key)) out[key] = typeof value === 'boolean' ? value : convert(value, refs)
    else out[key] = value
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    } else return {anyOf: [out, {type: 'null'}]}
  }
  return out
}

function jsonSchemaOf(response) {
  if (!response?.content) return undefined
  const entry = Object.entries(response.content).find(([type]) => type.includes('json'))
  return entry?.[1]?.schema
}

function vendor(name, config) {
  const path = join(specsDir, config.file)
  const raw = readFileSync(path)
  const spec = JSON.parse(raw.toString('utf8'))
  const refs = new Set(config.extraDefinitions)
  const operations = {}
  const definitions = {}
  for (const op of config.operations) {
    const [method, specPath] = op.split(' ')
    const operation = spec.paths[specPath]?.[method.toLowerCase()]
    if (!operation) throw new Error(`${name}: ${op} is not in ${config.file}`)
    const codes = {}
    for (const [code, response] of Object.entries(operation.responses ?? {})) {
      const schema = jsonSchemaOf(response)
      if (schema === undefined) continue
      if (schema.$ref?.startsWith(COMPONENT) && !schema.nullable) {
        refs.add(schema.$ref.slice(COMPONENT.length))
        codes[code] = `#/definitions/${schema.$ref.slice(COMPONENT.length)}`
      } else {
        const id = `${method}${specPath}_${code}`.replace(/[^A-Za-z0-9]+/g, '_')
        definitions[id] = convert(schema, refs)
        codes[code] = `#/definitions/${id}`
      }
    }
    operations[op] = codes
  }
  // Resolve referenced components transitively.
  const pending = [...refs]
  const done = new Set()
  while (pending.length > 0) {
    const ref = pending.pop()
    if (done.has(ref)) continue
    done.add(ref)
    const component = spec.components?.schemas?.[ref]
    if (!component) throw new Error(`${name}: missing component ${ref}`)
    const found = new Set()
    definitions[ref] = convert(component, found)
    for (const f of found) if (!done.has(f)) pending.push(f)
  }
  const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b)))
  const doc = {
    $comment: 'Generated by scripts/vendor-schemas.mjs from the official OpenAPI spec; do not edit by hand.',
    source: {file: config.file, sha256: createHash('sha256').update(raw).digest('hex'), openapi: spec.openapi, version: spec.info?.version, title: spec.info?.title},
    operations,
    definitions: sorted,
  }
  mkdirSync(outDir, {recursive: true})
  const out = join(outDir, `${name}.json`)
  writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`)
  console.log(`${out}: ${Object.keys(operations).length} operations, ${Object.keys(sorted).length} definitions`)
}

for (const [name, config] of Object.entries(FLAVOURS)) vendor(name, config)
