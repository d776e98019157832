/**
 * The vendored schema files cover every API route the emulator serves, and (when the official specs are
 * checked out next to the repository) are exactly what scripts/vendor-schemas.mjs produces from them.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {cloudFlavor} from '../../emulator/cloud/index.js'
import {datacenterFlavor} from '../../emulator/datacenter/index.js'
import type {Route} from '../../emulator/server/types.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const specs = join(root, '..', 'shared', 'specs')

function vendoredOperations(flavor: 'cloud' | 'datacenter'): Set<string> {
  const file = JSON.parse(readFileSync(join(root, 'emulator/schemas', `${flavor}.json`), 'utf8')) as {operations: Record<string, unknown>}
  return new Set(Object.keys(file.operations))
}

/** Emulator route → the spec's "METHOD /path" (`:name` → `{name}`), or null for routes outside the spec. */
function specOperation(route: Route, prefix: string, specPrefix: string): string | null {
  if (!route.path.startsWith(prefix)) return null
  return `${route.method} ${specPrefix}${route.path.slice(prefix.length).replace(/:([A-Za-z_]+)/g, '{$1}')}`
}

/** Served operations the spec gives no JSON response schema for (nothing to validate against). */
const NO_SPEC_SCHEMA = new Set([
  'GET /user/emails', // the spec lists only a default error response
  'POST /repositories/{workspace}/{repo_slug}/commits', // same handler and schema as the GET
  'POST /repositories/{workspace}/{repo_slug}/commits/{revision}',
  'DELETE /repositories/{workspace}/{repo_slug}/hooks/{uid}', // 204, no body
  'DELETE /workspaces/{workspace}/hooks/{uid}',
  'DELETE /api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks/{webhookId}',
  'DELETE /api/latest/projects/{projectKey}/webhooks/{webhookId}',
])

describe('vendored schemas', () => {
  it('cover every Data Center API route the emulator serves', () => {
    const vendored = vendoredOperations('datacenter')
    const served = datacenterFlavor.routes.map((r) => specOperation(r, '/rest/api/latest', '/api/latest')).filter((x): x is string => x !== null)
    expect(served.length).toBeGreaterThan(20)
    expect(served.filter((op) => !vendored.has(op) && !NO_SPEC_SCHEMA.has(op))).toEqual([])
  })

  it('cover every Cloud API route the emulator serves', () => {
    const vendored = vendoredOperations('cloud')
    const served = cloudFlavor.routes.map((r) => specOperation(r, '/2.0', '')).filter((x): x is string => x !== null)
    expect(served.length).toBeGreaterThan(15)
    expect(served.filter((op) => !vendored.has(op) && !NO_SPEC_SCHEMA.has(op))).toEqual([])
  })

  it.skipIf(!existsSync(specs))('match what scripts/vendor-schemas.mjs extracts from ../shared/specs', () => {
    const out = mkdtempSync(join(tmpdir(), 'vendor-schemas-'))
    try {
      execFileSync(process.execPath, [join(root, 'scripts/vendor-schemas.mjs'), specs, '--out', out], {stdio: 'pipe'})
      for (const flavor of ['cloud', 'datacenter']) {
        expect(readFileSync(join(out, `${flavor}.json`), 'utf8'), `${flavor}.json is stale: run node scripts/vendor-schemas.mjs`).toBe(readFileSync(join(root, 'emulator/schemas', `${flavor}.json`), 'utf8'))
      }
    } finally {
      rmSync(out, {recursive: true, force: true})
    }
  })
})
