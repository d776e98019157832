import {join} from 'node:path'

import type {SyncRig} from '../sync/emulator-rig.js'

/** The environment a spawned CLI needs to sync from the rig's emulator, with its git mirrors under `scratch`. */
export function gitCliEnv(rig: SyncRig, flavor: 'cloud' | 'datacenter', scratch: string): Record<string, string> {
  return {
    BB_INTEGRATE_CONFIG_DIR: rig.dir,
    BB_INTEGRATE_TOKEN: rig.credential.token,
    BB_INTEGRATE_PROVIDER: flavor,
    BB_INTEGRATE_URL: rig.emu.apiBase,
    BB_INTEGRATE_GIT_DIR: join(scratch, 'mirrors'),
    ...(flavor === 'cloud' ? {BB_INTEGRATE_EMAIL: rig.credential.email} : {}),
  }
}
