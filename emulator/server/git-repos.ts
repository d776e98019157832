/**
 * Real bare repositories behind the emulator's git endpoints, built lazily per repository with
 * `git fast-import` from the realised world and cached under a temporary directory. Each request
 * brings the repository up to date first: commits the world gained (pushes, merges) are imported,
 * branches are pointed at their heads and branches the world dropped are deleted, so a force-push
 * or a deleted branch is what a fetch sees too.
 */
import {execFile, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {fastImportStream, realState} from '../world/git-objects.js'
import type {World} from '../world/types.js'

const run = promisify(execFile)
/** Generous: a 10,000-commit repository imports in seconds, but the machine may be busy. */
const GIT_TIMEOUT_MS = 30 * 60_000
/**
 * fast-import allocates and frees a large buffer per object; glibc's default returns the memory to the
 * kernel each time, and on a virtual machine every such shrink flushes the TLB of all CPUs, which made
 * a 10,000-commit import take minutes of system time. Keeping freed memory makes it CPU-bound (seconds).
 */
const FAST_IMPORT_ENV = {GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=536870912:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=536870912'}

interface Cached {
  dir: string
  have: Set<string>
  /** Branch heads and default branch last written. */
  fingerprint: string
}

export class GitRepos {
  private root: string | null = null
  private readonly repos = new Map<string, Cached>()
  /** One update at a time per repository. */
  private readonly pending = new Map<string, Promise<string>>()

  /** The bare repository for `key`, up to date with the world. */
  async ensure(world: World, key: string): Promise<string> {
    const before = this.pending.get(key) ?? Promise.resolve('')
    const next = before.catch(() => '').then(() => this.update(world, key))
    this.pending.set(key, next)
    try {
      return await next
    } finally {
      if (this.pending.get(key) === next) this.pending.delete(key)
    }
  }

  private async update(world: World, key: string): Promise<string> {
    const detail = world.detail(key)
    let cached = this.repos.get(key)
    if (!cached) {
      this.root ??= mkdtempSync(join(tmpdir(), 'bb-emulator-git-'))
      const dir = join(this.root, `${this.repos.size}-${key.replace(/[^A-Za-z0-9._-]/g, '_')}.git`)
      await run('git', ['init', '--quiet', '--bare', dir], {timeout: GIT_TIMEOUT_MS})
      cached = {dir, have: new Set(), fingerprint: ''}
      this.repos.set(key, cached)
    }
    const fingerprint = JSON.stringify([detail.repo.defaultBranch, detail.branches.map((b) => [b.name, b.head]).sort()])
    if (fingerprint === cached.fingerprint) return cached.dir
    if (!realState(detail)) throw new Error(`repository ${key} has no git objects`)
    await fastImport(cached.dir, fastImportStream(detail, cached.have))
    for (const c of detail.commits) cached.have.add(c.hash)
    const wanted = new Set(detail.branches.map((b) => `refs/heads/${b.name}`))
    const {stdout} = await run('git', ['--git-dir', cached.dir, 'for-each-ref', '--format=%(refname)'], {timeout: GIT_TIMEOUT_MS})
    const stale = stdout.split('\n').filter((r) => r !== '' && !wanted.has(r))
    if (stale.length > 0) await gitStdin(cached.dir, ['update-ref', '--stdin'], stale.map((r) => `delete ${r}\n`).join(''))
    if (detail.repo.defaultBranch !== null) await run('git', ['--git-dir', cached.dir, 'symbolic-ref', 'HEAD', `refs/heads/${detail.repo.defaultBranch}`], {timeout: GIT_TIMEOUT_MS})
    cached.fingerprint = fingerprint
    return cached.dir
  }

  /** Forget a repository (deleted in the world). */
  drop(key: string): void {
    const cached = this.repos.get(key)
    if (!cached) return
    this.repos.delete(key)
    rmSync(cached.dir, {recursive: true, force: true})
  }

  close(): void {
    if (this.root) rmSync(this.root, {recursive: true, force: true})
    this.root = null
    this.repos.clear()
  }
}

async function fastImport(dir: string, stream: Iterable<string | Buffer>): Promise<void> {
  const child = spawn('git', ['--git-dir', dir, 'fast-import', '--quiet', '--force', '--done'], {env: {...process.env, ...FAST_IMPORT_ENV}, stdio: ['pipe', 'ignore', 'pipe'], timeout: GIT_TIMEOUT_MS})
  const errors: Buffer[] = []
  child.stderr.on('data', (b: Buffer) => errors.push(b))
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import failed (${code}): ${Buffer.concat(errors).toString()}`))))
  })
  // Failure is reported by the await below; until then the rejection must not count as unhandled.
  done.catch(() => {})
  child.stdin.on('error', () => {})
  let buffered: Buffer[] = []
  let size = 0
  for (const piece of stream) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece
    buffered.push(bytes)
    size += bytes.length
    if (size > 1 << 20) {
      if (!child.stdin.write(Buffer.concat(buffered))) await Promise.race([new Promise((r) => child.stdin.once('drain', r)), done])
      buffered = []
      size = 0
    }
  }
  child.stdin.end(Buffer.concat(buffered))
  await done
}

async function gitStdin(dir: string, args: string[], input: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['--git-dir', dir, ...args], {stdio: ['pipe', 'ignore', 'pipe'], timeout: GIT_TIMEOUT_MS})
    const errors: Buffer[] = []
    child.stderr.on('data', (b: Buffer) => errors.push(b))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(errors).toString()}`))))
    child.stdin.end(input)
  })
}
