import {readFileSync} from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import {startEmulator} from '../emulator/index.js'

const spec = JSON.parse(readFileSync('../shared/specs/bitbucket-cloud-2.0-swagger.v3.json', 'utf8'))
const ajv = new (Ajv as any)({strict: false, allErrors: true, validateFormats: true})
;(addFormats as any)(ajv)
ajv.addSchema({$id: 'spec', components: spec.components})
const emu = await startEmulator({flavor: 'cloud', dataset: 'small', seed: 1, rateLimit: null})
const auth = emu.admin.createToken({kind: 'api-token'}).authorization!
const w = emu.world.containers()[0]!.key
const r = emu.world.repos(w).find((x) => emu.world.detail(`${w}/${x.slug}`).pullRequests.length)!
const R = `${emu.apiBase}/repositories/${w}/${r.slug}`
const d = emu.world.detail(`${w}/${r.slug}`)
const pr = d.pullRequests.find((p) => p.state === 'MERGED')!
const hook = await (await fetch(`${R}/hooks`, {method: 'POST', headers: {Authorization: auth}, body: JSON.stringify({url: 'http://127.0.0.1:9/x', events: ['repo:push'], secret: 'x'})})).json()
const checks: Array<[string, string]> = [
  [`${emu.apiBase}/user`, 'user'],
  [`${emu.apiBase}/user/workspaces`, 'paginated_workspace_access'],
  [`${emu.apiBase}/workspaces/${w}`, 'workspace'],
  [`${emu.apiBase}/workspaces/${w}/projects`, 'paginated_projects'],
  [`${emu.apiBase}/repositories/${w}?pagelen=100`, 'paginated_repositories'],
  [R, 'repository'],
  [`${R}/pullrequests?state=MERGED&state=OPEN&state=DECLINED&pagelen=50&fields=%2Bvalues.participants`, 'paginated_pullrequests'],
  [`${R}/pullrequests/${pr.id}`, 'pullrequest'],
  [`${R}/refs/branches?pagelen=100`, 'paginated_branches'],
  [`${R}/commits?pagelen=100`, 'paginated_changeset'],
  [`${R}/commit/${d.commits[0]!.hash}`, 'commit'],
  [`${R}/diffstat/${d.commits[0]!.hash}`, 'paginated_diffstats'],
  [`${R}/hooks`, 'paginated_webhook_subscriptions'],
  [`${R}/hooks/${encodeURIComponent(hook.uuid)}`, 'webhook_subscription'],
  [`${emu.apiBase}/hook_events/repository`, 'paginated_hook_events'],
  [`${R}/nope`, 'error'],
  [`${emu.apiBase}/repositories/${w}/nope`, 'error'],
]
for (const [url, schema] of checks) {
  const body = await (await fetch(url, {headers: {Authorization: auth}})).json()
  const ok = ajv.validate({$ref: `spec#/components/schemas/${schema}`}, body)
  const errs = ok ? [] : ajv.errors.map((e: any) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)
  const uniq = [...new Set(errs.map((e: string) => e.replace(/\/\d+/g, '/N')))]
  console.log(ok ? 'OK ' : 'BAD', schema, uniq.slice(0, 8).join('\n      '))
}
await emu.close()
