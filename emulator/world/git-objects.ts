/**
 * Real git objects for the generated world. The generator draws abstract file changes; here every
 * commit becomes a real git commit: file contents are drawn so that the changes hold (a file is a run
 * of numbered lines, an edit drops lines from its head and appends new ones at its tail), trees and
 * commits are hashed exactly as git hashes them, and the world's placeholder hashes are replaced by
 * the real SHA-1s everywhere (parents, branch heads, pull requests). A commit's file list is then the
 * diff of its tree against its first parent's — exactly what `git log --numstat -M
 * --diff-merges=first-parent` prints — so the REST routes and a real clone agree commit for commit.
 *
 * A repository's realised state is kept beside its detail, so mutations realise only the commits
 * they add. `fastImportStream` writes the commits a repository does not have yet for `git fast-import`.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {MutationResult, WCommit, WFile, WRepoDetail} from './types.js'

/** git's file modes: a regular file, an executable, a symbolic link (its content is the target). */
export type FileMode = '100644' | '100755' | '120000'

/**
 * One file version: lines `lo` … `hi − 1` of file `uid` (never empty, so no two files are equal), or,
 * for a scripted repository, exactly the bytes in `content`.
 */
interface Blob {
  readonly kind: 'blob'
  readonly uid: number
  readonly lo: number
  readonly hi: number
  readonly content?: Buffer
  readonly mode?: FileMode
  /** The object id, raw (20 bytes). */
  oid?: Buffer
}

/** One file write of a scripted commit: the path's new bytes and mode, or null to delete it. */
export interface ScriptedWrite {
  path: string
  content: Buffer | null
  mode?: FileMode
}

interface Dir {
  readonly kind: 'tree'
  readonly entries: ReadonlyMap<string, Blob | Dir>
  /** The object id, raw (20 bytes). */
  oid?: Buffer
  /**
   * The serialized entries while this tree is the newest of its line: a tree derived from it with the
   * same names takes the buffer over and rewrites only the ids of the entries that changed, so a
   * commit costs a copy-free patch and one hash rather than a rebuild of every directory it touches.
   */
  body?: Buffer
  /** Where each entry's id sits in `body`; shared by the trees a body passes through. */
  slots?: ReadonlyMap<string, number>
  /** Entries whose ids in `body` are stale. */
  dirty?: readonly string[]
}

const EMPTY_DIR: Dir = {kind: 'tree', entries: new Map()}

export function blobText(b: Pick<Blob, 'uid' | 'lo' | 'hi'>): string {
  let out = ''
  // Short lines, unique in the repository: git's similarity index hashes only a line's last few
  // bytes, so longer lines sharing a tail would make unrelated files look like renames of each other.
  const file = b.uid.toString(36)
  for (let n = b.lo; n < b.hi; n++) out += `${file}.${n.toString(36)}\n`
  return out
}

function sha1(type: string, body: Buffer): Buffer {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest()
}

function blobBytes(b: Blob): Buffer {
  return b.content ?? Buffer.from(blobText(b))
}

function blobOid(b: Blob): Buffer {
  b.oid ??= sha1('blob', blobBytes(b))
  return b.oid
}

function oidOf(node: Blob | Dir): Buffer {
  return node.kind === 'tree' ? treeOid(node) : blobOid(node)
}

/** git's tree order: byte order of names, a directory compared as if its name ended in "/". */
function sortKey(name: string, node: Blob | Dir): string {
  const key = node.kind === 'tree' ? `${name}/` : name
  // UTF-16 order is UTF-8 byte order except around surrogates: compare bytes when not ASCII.
  return /[^ -~]/.test(key) ? Buffer.from(key).toString('latin1') : key
}

const blobKeys = new Map<string, string>()
const treeKeys = new Map<string, string>()

/** `sortKey`, remembered per name (bounded like the heads below). */
function keyOf(name: string, node: Blob | Dir): string {
  const cache = node.kind === 'tree' ? treeKeys : blobKeys
  if (cache.size >= 1 << 20) cache.clear()
  const key = sortKey(name, node)
  cache.set(name, key)
  return key
}

/** Each name's "<mode> <name>\0", encoded once (bounded: cleared when it grows past a million names). */
const heads = new Map<string, Map<string, Buffer>>()

function modeOf(node: Blob | Dir): string {
  return node.kind === 'tree' ? '40000' : node.mode ?? '100644'
}

function headOf(name: string, node: Blob | Dir): Buffer {
  const mode = modeOf(node)
  let cache = heads.get(mode)
  if (!cache) heads.set(mode, (cache = new Map()))
  let head = cache.get(name)
  if (!head) {
    if (cache.size >= 1 << 20) cache.clear()
    head = Buffer.from(`${mode} ${name}\0`)
    cache.set(name, head)
  }
  return head
}

/** The serialized entries of `d` in git's order, and where each entry's id sits. */
function serialize(d: Dir): {body: Buffer; slots: Map<string, number>} {
  const keyed: Array<{name: string; node: Blob | Dir; key: string}> = []
  for (const [name, node] of d.entries) keyed.push({name, node, key: node.kind === 'tree' ? (treeKeys.get(name) ?? keyOf(name, node)) : (blobKeys.get(name) ?? keyOf(name, node))})
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
  let size = 0
  for (const {name, node} of keyed) size += headOf(name, node).length + 20
  const body = Buffer.allocUnsafe(size)
  const slots = new Map<string, number>()
  let at = 0
  for (const {name, node} of keyed) {
    at += headOf(name, node).copy(body, at)
    slots.set(name, at)
    at += oidOf(node).copy(body, at)
  }
  return {body, slots}
}

function treeOid(d: Dir): Buffer {
  if (d.oid) return d.oid
  let body = d.body
  if (body && d.slots) {
    for (const name of d.dirty ?? []) oidOf(d.entries.get(name) as Blob | Dir).copy(body, d.slots.get(name) as number)
  } else {
    const made = serialize(d)
    body = made.body
    d.body = body
    d.slots = made.slots
  }
  d.dirty = undefined
  d.oid = sha1('tree', body)
  return d.oid
}

function lookup(root: Dir, path: string): Blob | undefined {
  let node: Blob | Dir | undefined = root
  for (const part of path.split('/')) {
    if (node?.kind !== 'tree') return undefined
    node = node.entries.get(part)
  }
  return node?.kind === 'blob' ? node : undefined
}

/** A copy of `root` with each path set to its blob (or removed); empty directories disappear, as in git. */
function updateAll(root: Dir, changes: ReadonlyMap<string, Blob | null>): Dir {
  const here = new Map<string, Blob | null>()
  const below = new Map<string, Map<string, Blob | null>>()
  for (const [path, blob] of changes) {
    const slash = path.indexOf('/')
    if (slash < 0) here.set(path, blob)
    else {
      const head = path.slice(0, slash)
      let sub = below.get(head)
      if (!sub) below.set(head, (sub = new Map()))
      sub.set(path.slice(slash + 1), blob)
    }
  }
  const entries = new Map(root.entries)
  // The order can be shared when every name stays, with the same kind (a kind changes its sort key).
  let sameNames = true
  const put = (name: string, node: Blob | Dir | null): void => {
    const was = entries.get(name)
    if (node) {
      // A new mode changes the entry's head, not only its id: the body is rebuilt.
      if (!was || modeOf(was) !== modeOf(node)) sameNames = false
      entries.set(name, node)
    } else if (was) {
      sameNames = false
      entries.delete(name)
    }
  }
  for (const [name, blob] of here) put(name, blob)
  for (const [name, sub] of below) {
    const child = entries.get(name)
    const next = updateAll(child?.kind === 'tree' ? child : EMPTY_DIR, sub)
    put(name, next.entries.size === 0 ? null : next)
  }
  // The newest tree of a line holds the body (its owner is hashed already, so it needs it no more):
  // with the same names, the new tree takes it over and marks what to rewrite.
  const {body, slots} = root
  if (root.oid) {
    root.body = undefined
    root.slots = undefined
  }
  if (!sameNames || !body || !root.oid) return {kind: 'tree', entries}
  return {kind: 'tree', entries, body, slots, dirty: [...here.keys(), ...below.keys()]}
}

function blobKey(b: Blob): string {
  return `${b.uid}:${b.lo}:${b.hi}`
}

/** Paths whose blobs differ between two trees; subtrees shared by reference are skipped. */
function changedPaths(a: Dir, b: Dir, prefix: string, out: {before: Map<string, Blob>; after: Map<string, Blob>}): void {
  if (a === b) return
  for (const [name, node] of a.entries) {
    const other = b.entries.get(name)
    if (other === node) continue
    const path = prefix ? `${prefix}/${name}` : name
    if (node.kind === 'tree') changedPaths(node, other?.kind === 'tree' ? other : EMPTY_DIR, path, out)
    else out.before.set(path, node)
    if (other?.kind === 'blob') out.after.set(path, other)
    else if (other?.kind === 'tree' && node.kind === 'blob') changedPaths(EMPTY_DIR, other, path, out)
  }
  for (const [name, node] of b.entries) {
    if (a.entries.has(name)) continue
    const path = prefix ? `${prefix}/${name}` : name
    if (node.kind === 'tree') changedPaths(EMPTY_DIR, node, path, out)
    else out.after.set(path, node)
  }
}

/** What changed from `before` to `after`, as git's diff with exact rename detection reports it. */
export function diffTrees(before: Dir, after: Dir): WFile[] {
  const changed = {before: new Map<string, Blob>(), after: new Map<string, Blob>()}
  changedPaths(before, after, '', changed)
  const a = changed.before
  const b = changed.after
  const files: WFile[] = []
  const removed = new Map<string, string>()
  for (const [path, blob] of a) if (!b.has(path)) removed.set(blobKey(blob), path)
  for (const [path, blob] of b) {
    const old = a.get(path)
    if (old) {
      if (blobKey(old) === blobKey(blob)) continue
      const overlap = old.uid === blob.uid ? Math.max(0, Math.min(old.hi, blob.hi) - Math.max(old.lo, blob.lo)) : 0
      files.push({path, oldPath: null, status: 'modified', linesAdded: blob.hi - blob.lo - overlap, linesRemoved: old.hi - old.lo - overlap})
      continue
    }
    const from = removed.get(blobKey(blob))
    if (from !== undefined) {
      removed.delete(blobKey(blob))
      files.push({path, oldPath: from, status: 'renamed', linesAdded: 0, linesRemoved: 0})
    } else files.push({path, oldPath: null, status: 'added', linesAdded: blob.hi - blob.lo, linesRemoved: 0})
  }
  for (const path of removed.values()) {
    const blob = a.get(path) as Blob
    files.push({path, oldPath: null, status: 'removed', linesAdded: 0, linesRemoved: blob.hi - blob.lo})
  }
  return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

/** One realised commit: its tree and the file writes/deletes against its first parent. */
interface RealCommit {
  tree: Dir
  writes: Array<{path: string; blob: Blob | null}>
}

export interface RealRepo {
  /** Placeholder hash → real hash, for commits realised from the generator or a mutation. */
  readonly real: Map<string, string>
  readonly commits: Map<string, RealCommit>
  nextUid: number
  /**
   * A scripted repository's file lists are git's own: its commits are imported into a scratch bare
   * repository and each commit's files read with `git diff-tree` against its first parent.
   */
  scratch?: {dir: string; have: Set<string>}
}

const states = new WeakMap<WRepoDetail, RealRepo>()
/** Scripted commits' file writes, by placeholder hash, for repositories built from a script. */
const scripts = new WeakMap<WRepoDetail, ReadonlyMap<string, readonly ScriptedWrite[]>>()

/**
 * Mark `detail` as scripted before it is realised: the commits named in `writes` get exactly those
 * files (bytes and modes), and every commit of the repository, later pushes included, gets the file
 * list git computes for it.
 */
export function attachScript(detail: WRepoDetail, writes: ReadonlyMap<string, readonly ScriptedWrite[]>): void {
  scripts.set(detail, writes)
}

export function realState(detail: WRepoDetail): RealRepo | undefined {
  return states.get(detail)
}

function gitTime(iso: string, tz = '+0000'): string {
  return `${Math.floor(Date.parse(iso) / 1000)} ${tz}`
}

export function ident(c: Pick<WCommit, 'authorName' | 'authorEmail' | 'date' | 'tz'>): string {
  return `${c.authorName} <${c.authorEmail}> ${gitTime(c.date, c.tz)}`
}

function commitOid(tree: Dir, c: WCommit): string {
  let text = `tree ${treeOid(tree).toString('hex')}\n`
  for (const p of c.parents) text += `parent ${p}\n`
  text += `author ${ident(c)}\ncommitter ${ident(c)}\n\n${c.message}`
  return sha1('commit', Buffer.from(text)).toString('hex')
}

/**
 * Apply the generator's changes to the first parent's tree. Its file model is one set of paths for
 * the whole repository, so a change may name a path this branch does not have (or already has):
 * such a change lands as the nearest real one (an edit of a missing file adds it, an add of an
 * existing file edits it). Renames move a file unchanged, so git detects them exactly.
 */
function applyChanges(state: RealRepo, base: Dir, files: readonly WFile[]): {tree: Dir; writes: RealCommit['writes']} {
  const writes: RealCommit['writes'] = []
  const pending = new Map<string, Blob | null>()
  const get = (path: string): Blob | undefined => (pending.has(path) ? (pending.get(path) ?? undefined) : lookup(base, path))
  const set = (path: string, blob: Blob | null): void => {
    pending.set(path, blob)
    writes.push({path, blob})
  }
  const fresh = (lines: number): Blob => ({kind: 'blob', uid: state.nextUid++, lo: 0, hi: Math.max(1, lines)})
  const edit = (old: Blob, added: number, removed: number): Blob => {
    const drop = Math.min(removed, old.hi - old.lo - 1)
    const add = drop === 0 && added === 0 ? 1 : added
    return {kind: 'blob', uid: old.uid, lo: old.lo + drop, hi: old.hi + add}
  }
  for (const f of files) {
    if (pending.has(f.path) || (f.oldPath !== null && pending.has(f.oldPath))) continue
    const current = get(f.path)
    const moving = f.status === 'renamed' && f.oldPath !== null ? get(f.oldPath) : undefined
    if (f.status === 'removed') {
      // Removing a file this branch never had: the commit still touches the path, with a new file.
      set(f.path, current ? null : fresh(f.linesRemoved))
    } else if (moving && !current) {
      set(f.oldPath as string, null)
      set(f.path, moving)
    } else if (current) {
      set(f.path, edit(current, f.linesAdded, f.linesRemoved))
    } else {
      set(f.path, fresh(f.linesAdded))
    }
  }
  return {tree: pending.size === 0 ? base : updateAll(base, pending), writes}
}

/**
 * Give every not-yet-real commit of `detail` its real hash and file list (oldest first, so parents are
 * real before their children), then rewrite hashes in branches and pull requests. Returns the
 * placeholder → real map of this call, for remapping a mutation's result.
 */
export function realise(detail: WRepoDetail): Map<string, string> {
  let state = states.get(detail)
  const script = scripts.get(detail)
  if (!state) {
    state = {real: new Map(), commits: new Map(), nextUid: 1}
    states.set(detail, state)
  }
  const fresh = new Map<string, string>()
  const map = (h: string): string => fresh.get(h) ?? state.real.get(h) ?? h
  for (let i = detail.commits.length - 1; i >= 0; i--) {
    const c = detail.commits[i] as WCommit
    if (state.commits.has(c.hash)) continue
    c.parents = c.parents.map(map)
    const first = c.parents[0]
    const base = first === undefined ? EMPTY_DIR : (state.commits.get(first)?.tree ?? EMPTY_DIR)
    const scripted = script?.get(c.hash)
    const {tree, writes} = scripted ? applyScript(state, base, scripted) : applyChanges(state, base, c.files)
    if (!script) c.files = diffTrees(base, tree)
    const oid = commitOid(tree, c)
    fresh.set(c.hash, oid)
    state.real.set(c.hash, oid)
    c.hash = oid
    state.commits.set(oid, {tree, writes})
  }
  if (fresh.size > 0) {
    for (const b of detail.branches) b.head = map(b.head)
    for (const pr of detail.pullRequests) {
      if (pr.sourceCommit !== null) pr.sourceCommit = map(pr.sourceCommit)
      if (pr.mergeCommit !== null) pr.mergeCommit = map(pr.mergeCommit)
    }
  }
  if (script && fresh.size > 0) filesFromGit(detail, state, new Set(fresh.values()))
  return fresh
}

/** A scripted commit's writes on top of its first parent's tree. */
function applyScript(state: RealRepo, base: Dir, writes: readonly ScriptedWrite[]): {tree: Dir; writes: RealCommit['writes']} {
  const pending = new Map<string, Blob | null>()
  const out: RealCommit['writes'] = []
  for (const w of writes) {
    const blob: Blob | null = w.content === null ? null : {kind: 'blob', uid: state.nextUid++, lo: 0, hi: 1, content: w.content, mode: w.mode ?? '100644'}
    pending.set(w.path, blob)
    out.push({path: w.path, blob})
  }
  return {tree: updateAll(base, pending), writes: out}
}

const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
/** The emulator's own git runs see no system or user configuration (renames, quoting, …). */
const GIT_ENV = {...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0'}
let scratchRoot: string | null = null

function git(dir: string, args: string[], input?: Buffer | string): Buffer {
  return execFileSync('git', ['--git-dir', dir, ...args], {input, env: GIT_ENV, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe']})
}

/**
 * Import the new commits into the repository's scratch copy, check that git names every one of
 * them with the hash computed here, and set each new commit's files from `git diff-tree` against
 * its first parent (the empty tree for a root), with git's rename detection — what Bitbucket's
 * diffstat shows. A binary file has no lines: 0 added, 0 removed (the diffstat's counts are integers).
 */
function filesFromGit(detail: WRepoDetail, state: RealRepo, fresh: ReadonlySet<string>): void {
  if (!state.scratch) {
    if (!scratchRoot) {
      const root = mkdtempSync(join(tmpdir(), 'bb-emulator-scripted-'))
      scratchRoot = root
      process.once('exit', () => rmSync(root, {recursive: true, force: true}))
    }
    const dir = mkdtempSync(join(scratchRoot, 'repo-'))
    execFileSync('git', ['init', '--quiet', '--bare', dir], {env: GIT_ENV})
    state.scratch = {dir, have: new Set()}
  }
  const {dir, have} = state.scratch
  const pieces = [...fastImportStream(detail, have)].map((p) => (typeof p === 'string' ? Buffer.from(p) : p))
  git(dir, ['fast-import', '--quiet', '--force', '--done'], Buffer.concat(pieces))
  for (const c of detail.commits) have.add(c.hash)
  const checked = git(dir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], [...fresh].map((h) => `${h}\n`).join('')).toString()
  const missing = checked.split('\n').filter((l) => l !== '' && !l.endsWith(' commit'))
  if (missing.length > 0) throw new Error(`git hashed scripted commits differently: ${missing.join(', ')}`)
  for (const c of detail.commits) {
    if (fresh.has(c.hash)) c.files = diffTreeFiles(dir, c.parents[0] ?? EMPTY_TREE_OID, c.hash)
  }
}

const GIT_STATUS: Record<string, WFile['status']> = {A: 'added', C: 'added', D: 'removed', M: 'modified', T: 'modified', R: 'renamed'}

/** `git diff-tree -r -M` between two commits: `--raw` for statuses, ids and modes, `--numstat` for counts. */
function diffTreeFiles(dir: string, from: string, to: string): WFile[] {
  const names = git(dir, ['diff-tree', '-r', '-z', '-M', '--no-commit-id', '--no-abbrev', '--raw', from, to]).toString('utf8').split('\0')
  const counts = git(dir, ['diff-tree', '-r', '-z', '-M', '--no-commit-id', '--numstat', from, to]).toString('utf8').split('\0')
  const files: WFile[] = []
  let n = 0
  for (let i = 0; i < names.length - 1;) {
    // ":oldmode newmode oldid newid status", then the path (two for a rename or copy).
    const [oldMode = '', newMode = '', oldOid = '', newOid = '', statusField = ''] = (names[i++] as string).slice(1).split(' ')
    const letter = statusField.charAt(0)
    const first = names[i++] as string
    const second = letter === 'R' || letter === 'C' ? (names[i++] as string) : null
    // numstat: "added\tremoved\tpath", or "added\tremoved\t" then the old and the new path.
    const row = counts[n++] as string
    const [added = '-', removed = '-'] = row.split('\t')
    if (second !== null) n += 2
    const status = GIT_STATUS[letter]
    if (!status) throw new Error(`unexpected git diff status ${letter} in ${to}`)
    files.push({
      path: second ?? first,
      oldPath: letter === 'R' ? first : null,
      status,
      linesAdded: added === '-' ? 0 : Number(added),
      linesRemoved: removed === '-' ? 0 : Number(removed),
      git: {
        ...(letter === 'A' || letter === 'C' ? {} : {oldOid, oldMode}),
        ...(letter === 'D' ? {} : {newOid, newMode}),
      },
    })
  }
  return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

/** Paths in the tree of a realised commit (what a branch at that commit holds), or null. */
export function pathsAt(detail: WRepoDetail, hash: string): string[] | null {
  const real = states.get(detail)?.commits.get(hash)
  return real ? [...flattenPaths(real.tree, '')] : null
}

function* flattenPaths(d: Dir, prefix: string): Generator<string> {
  for (const [name, node] of d.entries) {
    const path = prefix ? `${prefix}/${name}` : name
    if (node.kind === 'tree') yield* flattenPaths(node, path)
    else yield path
  }
}

/** A mutation's result with placeholder hashes replaced by real ones. */
export function remapResult(result: MutationResult, fresh: ReadonlyMap<string, string>): MutationResult {
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return fresh.get(v) ?? v
    if (Array.isArray(v)) return v.map(swap)
    return v
  }
  const details: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(result.details)) details[k] = swap(v)
  return {...result, details}
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`
}

/**
 * A `git fast-import` stream adding the commits of `detail` that `have` lacks (oldest first), then
 * pointing every branch at its head. Fast-import rebuilds the very same objects, so its hashes equal
 * the realised ones.
 *
 * Commits are written onto scratch refs ("lanes"): a commit whose first parent is the tip of a lane
 * continues that lane, so fast-import keeps building on the tree it holds in memory. Only a commit
 * whose first parent is no lane's tip (a branch point, or a commit the repository already had) makes
 * fast-import load a tree back from the pack it is writing, which is slow: it maps the pack anew for
 * every object read. A lane whose tip no later commit builds on is reused, and fast-import keeps
 * every lane's tree loaded (`active-branches`), so a 10,000-commit history imports in seconds.
 */
export function* fastImportStream(detail: WRepoDetail, have: ReadonlySet<string>): Generator<string | Buffer> {
  const state = states.get(detail)
  if (!state) throw new Error('repository detail was not realised')
  const todo: WCommit[] = []
  for (let i = detail.commits.length - 1; i >= 0; i--) {
    const c = detail.commits[i] as WCommit
    if (!have.has(c.hash)) todo.push(c)
  }
  // How many of the commits to write still build on each commit as their first parent.
  const children = new Map<string, number>()
  for (const c of todo) {
    const first = c.parents[0]
    if (first !== undefined) children.set(first, (children.get(first) ?? 0) + 1)
  }
  const laneOf = new Map<string, number>()
  const free: number[] = []
  let lanes = 0
  const plan = todo.map((c) => {
    const first = c.parents[0]
    let lane = first === undefined ? undefined : laneOf.get(first)
    if (first !== undefined) {
      const left = (children.get(first) ?? 1) - 1
      children.set(first, left)
      if (lane !== undefined) laneOf.delete(first)
      else if (left === 0 && laneOf.has(first)) free.push(laneOf.get(first) as number)
    }
    const continues = lane !== undefined
    lane ??= free.pop() ?? lanes++
    if ((children.get(c.hash) ?? 0) > 0) laneOf.set(c.hash, lane)
    else free.push(lane)
    return {lane, continues}
  })
  // Trees of every lane stay in memory; the option must precede all commands.
  yield `option active-branches=${Math.max(5, lanes + 1)}\n`
  // Commits written by this stream are named by mark; fast-import cannot look them up by hash yet.
  const marks = new Map<string, number>()
  const ref = (h: string): string => {
    const m = marks.get(h)
    return m === undefined ? h : `:${m}`
  }
  for (const [i, c] of todo.entries()) {
    const real = state.commits.get(c.hash)
    if (!real) throw new Error(`commit ${c.hash} was not realised`)
    const {lane, continues} = plan[i] as {lane: number; continues: boolean}
    const scratch = `refs/bb-import/${lane}`
    marks.set(c.hash, marks.size + 1)
    let out = c.parents.length === 0 ? `reset ${scratch}\n` : ''
    out += `commit ${scratch}\nmark :${marks.size}\nauthor ${ident(c)}\ncommitter ${ident(c)}\n${data(c.message)}`
    const [first, ...others] = c.parents
    if (first !== undefined && !continues) out += `from ${ref(first)}\n`
    for (const p of others) out += `merge ${ref(p)}\n`
    for (const w of real.writes) {
      if (w.blob?.content) {
        yield `${out}M ${w.blob.mode ?? '100644'} inline ${quotePath(w.path)}\ndata ${w.blob.content.length}\n`
        yield w.blob.content
        out = '\n'
      } else out += w.blob ? `M ${w.blob.mode ?? '100644'} inline ${quotePath(w.path)}\n${data(blobText(w.blob))}` : `D ${quotePath(w.path)}\n`
    }
    yield out + '\n'
  }
  for (const b of detail.branches) yield `reset refs/heads/${b.name}\nfrom ${ref(b.head)}\n\n`
  yield 'done\n'
}

/** fast-import's C-style quoting for paths that need it. */
function quotePath(path: string): string {
  if (!/[\s"\\]/.test(path) && !path.startsWith('"')) return path
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}
