import {it} from 'vitest'
import {createWorld} from '../../emulator/world/index.js'
import {setupFixture} from '../../core/validate/fixture.js'
import {openConnection} from '../../../src/core/connection.js'
import {readEnv} from '../../../src/core/env.js'
it('probe', async () => {
  const world = createWorld({seed: 5, dataset: {containers: 5, reposPerContainer: 1000, prsPerRepo: 0, commitsPerRepo: 0}})
  const fx = await setupFixture({world, select: 0})
  const o = await openConnection({env: readEnv({}), config: fx.config, secretStore: fx.store, onEvent: (e) => { if (e.type !== 'request' && e.type !== 'response') process.stderr.write(JSON.stringify(e) + '\n') }})
  const t0 = Date.now(); let n = 0; const times: number[] = []
  for await (const p of o.provider.repositories({})) { n += p.items.length; times.push(Date.now() - t0) }
  process.stderr.write(`${n} repos in ${Date.now() - t0} ms; pages at ${times.slice(0, 10).join(',')} ... ${times.slice(-3).join(',')}\n`)
  const t1 = Date.now()
  const r = await fetch(`${fx.emu.apiBase}/repositories/${world.containers()[0]?.key}?pagelen=100`, {headers: {authorization: fx.emu.admin.tokens()[0]?.authorization ?? ''}})
  await r.text(); process.stderr.write(`raw page ${Date.now() - t1} ms\n`)
  await o.close(); await fx.close()
})
