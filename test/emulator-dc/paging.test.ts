import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RunningEmulator} from '../../emulator/index.js'
import {DC_LIMIT_MAX} from '../../emulator/world/limits.js'
import {ALPHA, API, call, pat, startDc} from './helpers.js'
import type {Any} from './helpers.js'

describe('DC start/limit paging', () => {
  let emu: RunningEmulator
  let auth: string
  beforeAll(async () => {
    emu = await startDc()
    auth = pat(emu, 'alice', ['PROJECT_ADMIN']).auth
  })
  afterAll(() => emu.close())

  it('pages with the default limit of 25 and follows nextPageStart to the last page', async () => {
    const slugs: string[] = []
    let start: number | undefined = 0
    const pages: Any[] = []
    while (start !== undefined) {
      const r = await call(emu, `${API}/projects/BIG/repos?start=${start}`, {auth})
      expect(r.status).toBe(200)
      const body = r.body as Any
      pages.push(body)
      slugs.push(...body.values.map((v: Any) => v.slug))
      start = body.nextPageStart
    }
    expect(pages.map((p) => [p.start, p.size, p.limit, p.isLastPage])).toEqual([[0, 25, 25, false], [25, 25, 25, false], [50, 10, 25, true]])
    expect('nextPageStart' in pages[2]).toBe(false)
    expect(slugs).toHaveLength(60)
    expect(new Set(slugs).size).toBe(60)
  })

  it('clamps a limit above the maximum and reports the clamped limit', async () => {
    const r = await call(emu, `${API}/repos?limit=${DC_LIMIT_MAX * 5}`, {auth})
    const body = r.body as Any
    expect(body.limit).toBe(DC_LIMIT_MAX)
    expect(body.size).toBe(63)
    expect(body.isLastPage).toBe(true)
  })

  it('honours a small limit and an offset start', async () => {
    const body = (await call(emu, `${ALPHA}/commits/${'01'.repeat(20)}/changes?limit=7&start=28`, {auth})).body as Any
    expect(body.values.map((v: Any) => v.path.toString)).toEqual(['seed/file-28.txt', 'seed/file-29.txt'])
    expect(body).toMatchObject({start: 28, size: 2, limit: 7, isLastPage: true})
    const first = (await call(emu, `${ALPHA}/commits/${'01'.repeat(20)}/changes?limit=7`, {auth})).body as Any
    expect(first).toMatchObject({start: 0, size: 7, isLastPage: false, nextPageStart: 7})
  })

  it('rejects malformed paging parameters with a DC 400', async () => {
    for (const q of ['start=-1', 'limit=abc']) {
      const r = await call(emu, `${API}/repos?${q}`, {auth})
      expect(r.status).toBe(400)
      expect((r.body as Any).errors[0].exceptionName).toMatch(/ArgumentValidationException/)
    }
  })

  it('returns an empty last page past the end', async () => {
    const body = (await call(emu, `${API}/projects/BIG/repos?start=500`, {auth})).body as Any
    expect(body).toMatchObject({size: 0, values: [], isLastPage: true, start: 500})
  })
})
