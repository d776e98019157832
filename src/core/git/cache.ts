/**
 * The mirrors on disk: one bare repository per connection and repository under the git directory
 * (`<git dir>/<connection>/<owner>/<slug>.git`). `listMirrors` reports disk use per mirror;
 * `pruneMirrors` removes the mirrors of repositories a connection no longer selects.
 */
import {lstatSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {mirrorExists} from './mirror.js'

export interface MirrorInfo {
  connection: string
  repo: string
  dir: string
  bytes: number
}

const decode = (s: string): string => decodeURIComponent(s.replace(/_([0-9A-F]{2})/g, '%$1'))

function dirs(path: string): string[] {
  try {
    return readdirSync(path, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)
  } catch {
    return []
  }
}

function diskUse(path: string): number {
  let total = 0
  const stack = [path]
  while (stack.length > 0) {
    const p = stack.pop() as string
    const st = lstatSync(p)
    if (st.isDirectory()) for (const name of readdirSync(p)) stack.push(join(p, name))
    else total += st.blocks * 512
  }
  return total
}

export function listMirrors(gitDir: string): MirrorInfo[] {
  const out: MirrorInfo[] = []
  for (const conn of dirs(gitDir)) {
    for (const owner of dirs(join(gitDir, conn))) {
      for (const slug of dirs(join(gitDir, conn, owner))) {
        const dir = join(gitDir, conn, owner, slug)
        if (!slug.endsWith('.git') || !mirrorExists(dir)) continue
        out.push({connection: decode(conn), repo: `${decode(owner)}/${decode(slug.slice(0, -4))}`, dir, bytes: diskUse(dir)})
      }
    }
  }
  return out.sort((a, b) => a.connection.localeCompare(b.connection) || a.repo.localeCompare(b.repo))
}

/**
 * Mirrors to remove: those of a known connection whose selection is not empty and does not name the
 * repository, and those of connections that no longer exist. An empty selection means "every
 * repository", so nothing of that connection is pruned.
 */
export function prunable(mirrors: readonly MirrorInfo[], selections: ReadonlyMap<string, readonly string[]>): MirrorInfo[] {
  return mirrors.filter((m) => {
    const selection = selections.get(m.connection)
    if (selection === undefined) return true
    return selection.length > 0 && !selection.includes(m.repo)
  })
}

export function removeMirror(m: MirrorInfo): void {
  rmSync(m.dir, {recursive: true, force: true})
}
