/**
 * Contract: the `git-adversarial` dataset's scripted repository (binaries, a symbolic link, unicode and
 * odd paths with spaces, quotes, `#`, `%`, `?`, a tab and a newline, a 6,200-file commit, merges)
 * renders every commit, its Cloud diffstat and its Data Center changes as JSON that validates
 * against the official specs, and the empty repository lists no commits on either.
 */
import {createHash} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startEmulator} from '../../emulator/index.js'
import type {RunningEmulator} from '../../emulator/index.js'
import type {WRepo} from '../../emulator/world/types.js'
import {SpecValidator} from './spec-validator.js'

describe.each(['cloud', 'datacenter'] as const)('git-adversarial responses validate (%s)', (flavor) => {
  const spec = new SpecValidator(flavor)
  let emu: RunningEmulator
  let auth: string
  let edge: WRepo
  let sandbox: WRepo

  async function check(operation: string, path: string, expectStatus: number): Promise<unknown> {
    const res = await fetch(`${flavor === 'cloud' ? emu.apiBase : `${emu.url}/rest`}${path}`, {headers: {Accept: 'application/json', Authorization: auth}})
    const body: unknown = await res.json()
    expect(res.status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(expectStatus)
    spec.validate(operation, res.status, body)
    return body
  }

  beforeAll(async () => {
    emu = await startEmulator({flavor, seed: 7, dataset: 'git-adversarial', rateLimit: null})
    auth = (await emu.admin.demoCredential()).authorization
    const repos = emu.world.containers().flatMap((c) => emu.world.repos(c.key))
    edge = repos.find((r) => r.slug === 'edge-cases') as WRepo
    sandbox = repos.find((r) => r.slug === 'sandbox') as WRepo
    expect(edge && sandbox).toBeTruthy()
  })
  afterAll(() => emu.close())

  it('every commit and its file list', async () => {
    const commits = emu.world.detail(`${edge.container}/${edge.slug}`).commits
    expect(commits.length).toBeGreaterThan(10)
    let files = 0
    for (const c of commits) {
      if (flavor === 'cloud') {
        const RS = '/repositories/{workspace}/{repo_slug}'
        const base = `/repositories/${edge.container}/${edge.slug}`
        await check(`GET ${RS}/commit/{commit}`, `${base}/commit/${c.hash}`, 200)
        let next: string | undefined = `${base}/diffstat/${c.hash}?pagelen=500`
        while (next) {
          const page = (await check(`GET ${RS}/diffstat/{spec}`, next, 200)) as {values: unknown[]; next?: string}
          files += page.values.length
          next = page.next?.slice(emu.apiBase.length)
        }
      } else {
        const R = '/api/latest/projects/{projectKey}/repos/{repositorySlug}'
        const base = `/api/latest/projects/${edge.container}/repos/${edge.slug}`
        await check(`GET ${R}/commits/{commitId}`, `${base}/commits/${c.hash}`, 200)
        let start = 0
        for (;;) {
          const page = (await check(`GET ${R}/commits/{commitId}/changes`, `${base}/commits/${c.hash}/changes?limit=1000&start=${start}`, 200)) as {values: unknown[]; isLastPage: boolean; nextPageStart?: number}
          files += page.values.length
          if (page.isLastPage) break
          start = page.nextPageStart as number
        }
      }
    }
    expect(files).toBe(commits.reduce((n, c) => n + c.files.length, 0))
  }, 120_000)

  it.runIf(flavor === 'datacenter')('Data Center changes carry git\'s own blob ids and executable bits', async () => {
    const detail = emu.world.detail(`${edge.container}/${edge.slug}`)
    const mode = detail.commits.find((c) => c.message === 'Make run.sh executable\n')!
    const base = `/api/latest/projects/${edge.container}/repos/${edge.slug}`
    const page = (await check('GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}/changes', `${base}/commits/${mode.hash}/changes`, 200)) as {values: Array<{path: {toString: string}; executable: boolean; contentId: string; fromContentId: string; type: string}>}
    expect(page.values).toHaveLength(1)
    const [change] = page.values
    // A mode-only change: the same blob on both sides, now executable.
    expect(change).toMatchObject({type: 'MODIFY', executable: true, path: {toString: 'bin/run.sh'}})
    expect(change?.contentId).toBe(change?.fromContentId)
    expect(change?.contentId).toBe(createHash('sha1').update('blob 25\0#!/bin/sh\nexec node "$@"\n').digest('hex'))
  })

  it('the empty repository lists no commits', async () => {
    const body = flavor === 'cloud'
      ? await check('GET /repositories/{workspace}/{repo_slug}/commits', `/repositories/${sandbox.container}/${sandbox.slug}/commits`, 200)
      : await check('GET /api/latest/projects/{projectKey}/repos/{repositorySlug}/commits', `/api/latest/projects/${sandbox.container}/repos/${sandbox.slug}/commits`, 200)
    expect((body as {values: unknown[]}).values).toEqual([])
  })
})
