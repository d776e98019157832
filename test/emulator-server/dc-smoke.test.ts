import {describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'

describe('flavour loading', () => {
  it('starts the Data Center flavour through the same server', async () => {
    const emu = await startEmulator({flavor: 'datacenter', dataset: 'tiny', seed: 1})
    try {
      expect(emu.apiBase).toBe(emu.url)
      const res = await fetch(`${emu.url}/rest/api/latest/application-properties`)
      expect(res.status).toBe(200)
    } finally {
      await emu.close()
    }
  })
})
