import {startEmulator} from '../emulator/index.js'
const emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 1, rateLimit: null})
const auth = emu.admin.createToken({kind: 'api-token'}).authorization!
const w = emu.world.containers()[0]!.key
const r = emu.world.repos(w).find(x=>emu.world.detail(`${w}/${x.slug}`).pullRequests.length)!
const pr = emu.world.detail(`${w}/${r.slug}`).pullRequests[0]!
for (let round = 0; round < 2; round++)
for (const [name, url] of [['admin', `${emu.url}/_admin/faults`], ['user', `${emu.apiBase}/user`], ['hook_events', `${emu.apiBase}/hook_events/repository`], ['activity', `${emu.apiBase}/repositories/${w}/${r.slug}/pullrequests/${pr.id}/activity?pagelen=2`], ['pr', `${emu.apiBase}/repositories/${w}/${r.slug}/pullrequests/${pr.id}`]] as const) {
  const t = performance.now()
  for (let i = 0; i < 50; i++) { const res = await fetch(url, {headers: {Authorization: auth}}); await res.text() }
  console.log(name, ((performance.now() - t) / 50).toFixed(2), 'ms/req')
}
await emu.close()
