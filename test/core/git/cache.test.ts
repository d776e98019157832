/** Mirrors on disk: disk use per mirror, and pruning those no connection selects any more. */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {listMirrors, prunable, removeMirror} from '../../../src/core/git/cache.js'
import {mirrorDir} from '../../../src/core/git/mirror.js'

const root = mkdtempSync(join(tmpdir(), 'bb-git-cache-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

function mirror(connection: string, repo: string): string {
  const dir = mirrorDir(root, connection, repo)
  execFileSync('git', ['init', '--quiet', '--bare', dir])
  return dir
}

describe('git mirror cache', () => {
  it('lists each mirror with its repository key and disk use, and prunes what is not selected', () => {
    mirror('work', 'acme/api')
    mirror('work', 'acme/web.site')
    mirror('dc', 'PLAT/ünï-code')
    mirror('gone', 'x/y')
    const mirrors = listMirrors(root)
    expect(mirrors.map((m) => `${m.connection} ${m.repo}`)).toEqual(['dc PLAT/ünï-code', 'gone x/y', 'work acme/api', 'work acme/web.site'])
    expect(mirrors.every((m) => m.bytes > 0)).toBe(true)
    const selections = new Map<string, string[]>([['work', ['acme/api']], ['dc', []]])
    const doomed = prunable(mirrors, selections)
    expect(doomed.map((m) => `${m.connection} ${m.repo}`)).toEqual(['gone x/y', 'work acme/web.site'])
    for (const m of doomed) removeMirror(m)
    expect(doomed.every((m) => !existsSync(m.dir))).toBe(true)
    expect(listMirrors(root).map((m) => m.repo)).toEqual(['PLAT/ünï-code', 'acme/api'])
  })
})
