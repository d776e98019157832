import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Agent, fetch} from 'undici'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {cloud} from './helpers.js'

describe('TLS', () => {
  let dir: string
  let emu: RunningEmulator
  let cert: Buffer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-tls-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {stdio: 'ignore'})
    cert = readFileSync(join(dir, 'cert.pem'))
    emu = await cloud({tls: {key: readFileSync(join(dir, 'key.pem')), cert}})
  })
  afterAll(async () => {
    await emu?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('serves https with the given certificate and builds https next links', async () => {
    expect(emu.url.startsWith('https://127.0.0.1:')).toBe(true)
    const auth = emu.admin.createToken({kind: 'api-token'}).authorization as string
    const dispatcher = new Agent({connect: {ca: cert}})
    try {
      const repo = emu.world.repos(emu.world.containers()[0]!.key).find((r) => r.defaultBranch !== null)!
      const res = await fetch(`${emu.apiBase}/repositories/${repo.container}/${repo.slug}/commits?pagelen=1`, {headers: {Authorization: auth}, dispatcher})
      expect(res.status).toBe(200)
      const body = (await res.json()) as {next?: string}
      expect(body.next?.startsWith(`${emu.url}/2.0/`)).toBe(true)
      await expect(fetch(`${emu.apiBase}/user`, {headers: {Authorization: auth}})).rejects.toThrow()
    } finally {
      await dispatcher.close()
    }
  })
})
