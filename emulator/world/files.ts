/**
 * File changes. A repository keeps one evolving set of paths (not per branch: plausibility, not git
 * fidelity), so modifications, removals and renames touch files that were added before.
 */
import type {Rng} from './prng.js'
import type {WCommit, WFile} from './types.js'
import {DIRS, EXTENSIONS, FILE_STEMS} from './vocabulary.js'

const CHANGE_KINDS: ReadonlyArray<readonly [WFile['status'], number]> = [['modified', 60], ['added', 22], ['removed', 8], ['renamed', 10]]

export class FileTree {
  private readonly paths: string[] = []
  private readonly index = new Map<string, number>()

  get size(): number {
    return this.paths.length
  }

  has(path: string): boolean {
    return this.index.has(path)
  }

  add(path: string): void {
    if (this.index.has(path)) return
    this.index.set(path, this.paths.length)
    this.paths.push(path)
  }

  remove(path: string): void {
    const at = this.index.get(path)
    if (at === undefined) return
    const last = this.paths.pop() as string
    this.index.delete(path)
    if (last !== path) {
      this.paths[at] = last
      this.index.set(last, at)
    }
  }

  pickExisting(rng: Rng, exclude: ReadonlySet<string>): string | null {
    for (let attempt = 0; attempt < 6 && this.paths.length > 0; attempt++) {
      const path = this.paths[rng.int(this.paths.length)] as string
      if (!exclude.has(path)) return path
    }
    return null
  }

  newPath(rng: Rng): string {
    const base = `${rng.pick(DIRS)}/${rng.pick(FILE_STEMS)}`
    const ext = rng.pick(EXTENSIONS)
    let path = `${base}.${ext}`
    for (let n = 2; this.index.has(path); n++) path = `${base}-${n}.${ext}`
    return path
  }

  apply(files: readonly WFile[]): void {
    for (const f of files) {
      if (f.status === 'removed') this.remove(f.path)
      else {
        if (f.status === 'renamed' && f.oldPath) this.remove(f.oldPath)
        this.add(f.path)
      }
    }
  }

  static fromPaths(paths: Iterable<string>): FileTree {
    const tree = new FileTree()
    for (const p of paths) tree.add(p)
    return tree
  }

  /** The paths alive after the given commits, applied oldest first. */
  static fromCommits(newestFirst: readonly WCommit[]): FileTree {
    const tree = new FileTree()
    for (let i = newestFirst.length - 1; i >= 0; i--) tree.apply((newestFirst[i] as WCommit).files)
    return tree
  }
}

export function addedFile(rng: Rng, path: string): WFile {
  return {path, oldPath: null, status: 'added', linesAdded: rng.range(1, 400), linesRemoved: 0}
}

export function renamedFile(rng: Rng, oldPath: string, path: string): WFile {
  // Most renames move a file untouched; some edit it on the way.
  const edited = rng.chance(0.25)
  return {path, oldPath, status: 'renamed', linesAdded: edited ? rng.range(1, 20) : 0, linesRemoved: edited ? rng.range(1, 20) : 0}
}

/** `count` changes to distinct paths, applied to the tree. */
export function changeFiles(rng: Rng, tree: FileTree, count: number): WFile[] {
  const out: WFile[] = []
  const touched = new Set<string>()
  for (let i = 0; i < count; i++) {
    const kind = tree.size < 3 ? 'added' : rng.weighted(CHANGE_KINDS)
    const existing = kind === 'added' ? null : tree.pickExisting(rng, touched)
    let file: WFile
    if (kind === 'added' || existing === null) {
      file = addedFile(rng, tree.newPath(rng))
    } else if (kind === 'modified') {
      const added = rng.range(0, 120)
      file = {path: existing, oldPath: null, status: 'modified', linesAdded: added, linesRemoved: added === 0 ? rng.range(1, 80) : rng.range(0, 80)}
    } else if (kind === 'removed') {
      file = {path: existing, oldPath: null, status: 'removed', linesAdded: 0, linesRemoved: rng.range(1, 300)}
    } else {
      file = renamedFile(rng, existing, tree.newPath(rng))
    }
    touched.add(file.path)
    if (file.oldPath) touched.add(file.oldPath)
    tree.apply([file])
    out.push(file)
  }
  return out
}

/**
 * The net change of a series of commits, as a diff of the last against the base shows it (what a
 * merge commit's diffstat against its first parent reports).
 */
export function netChanges(series: ReadonlyArray<readonly WFile[]>): WFile[] {
  const net = new Map<string, WFile>()
  for (const files of series) {
    for (const f of files) {
      const prev = net.get(f.path)
      if (f.status === 'added') {
        net.set(f.path, prev?.status === 'removed' ? {...f, status: 'modified', linesRemoved: prev.linesRemoved} : {...f})
      } else if (f.status === 'modified') {
        if (prev?.status === 'added') {
          // A file new to the base shows as added in full: only its final length counts.
          net.set(f.path, {...prev, linesAdded: Math.max(1, prev.linesAdded + f.linesAdded - f.linesRemoved)})
        } else {
          net.set(f.path, prev ? {...prev, linesAdded: prev.linesAdded + f.linesAdded, linesRemoved: prev.linesRemoved + f.linesRemoved} : {...f})
        }
      } else if (f.status === 'removed') {
        if (prev?.status === 'added') net.delete(f.path)
        else if (prev?.status === 'renamed' && prev.oldPath) {
          net.delete(f.path)
          net.set(prev.oldPath, {...f, path: prev.oldPath})
        } else net.set(f.path, {...f})
      } else {
        const old = f.oldPath ? net.get(f.oldPath) : undefined
        if (f.oldPath) net.delete(f.oldPath)
        if (old?.status === 'added') net.set(f.path, {...old, path: f.path})
        else if (old?.status === 'renamed' || old?.status === 'modified') {
          net.set(f.path, {...f, oldPath: old.oldPath ?? f.oldPath, linesAdded: old.linesAdded + f.linesAdded, linesRemoved: old.linesRemoved + f.linesRemoved})
        } else net.set(f.path, {...f})
        const folded = net.get(f.path) as WFile
        // Renamed away and back again: to the base it is only an edit.
        if (folded.status === 'renamed' && folded.oldPath === f.path) net.set(f.path, {...folded, status: 'modified', oldPath: null})
      }
    }
  }
  return [...net.values()]
}
