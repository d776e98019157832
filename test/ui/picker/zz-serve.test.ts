import {it} from 'vitest'
import {writeFileSync} from 'node:fs'
import {createWorld} from '../../emulator/world/index.js'
import {setupFixture} from '../../core/validate/fixture.js'
it('serve', async () => {
  const world = createWorld({seed: 5, dataset: {containers: 5, reposPerContainer: 1000, prsPerRepo: 0, commitsPerRepo: 0}})
  const fx = await setupFixture({world, select: 0, fileStore: true})
  writeFileSync('/tmp/vtry/serve-dir', fx.dir)
  await new Promise((r) => setTimeout(r, 240_000))
  await fx.close()
}, 300_000)
