import {createHash} from 'node:crypto'

import {ENTITY_NAMES} from '../../src/core/model.js'
import type {Flavor, World} from '../../emulator/world/types.js'

/** SHA-256 over every truth entity of a flavour, in output order. */
export function truthDigest(world: World, flavor: Flavor): string {
  const hash = createHash('sha256')
  for (const entity of ENTITY_NAMES) for (const e of world.truth(flavor, entity, 'default')) hash.update(JSON.stringify(e)).update('\n')
  return hash.digest('hex')
}
