/**
 * `sync --commits-from git` against `sync --commits-from rest` on the `git-adversarial` dataset, as a
 * user runs them (the CLI in a child process): merges (one whose first parent is the feature tip), a
 * pure rename and a rename with edits, a copy, a mode-only change, a symbolic link, binaries added,
 * modified and removed, NFC and NFD names, CJK and emoji, odd names (quotes, a backslash, a leading
 * dash, `#`, `%`, `?`, a tab and a newline), an empty message, CRLF and no trailing newline, authors
 * in other time zones, an unlinked author, a 6,200-file commit, and an empty repository. `export` after each channel equals
 * the other and the emulator's truth; again after pushes, a force-push that drops commits and a
 * deleted branch.
 *
 * Fields compared. Cloud: every field of every entity. Data Center: every field of commit, issueRef,
 * user, pullRequest and repository; for commitFile `repo, commit, path, oldPath, status` between the
 * channels, while `linesAdded`/`linesRemoved` are null over REST (Data Center's /changes has no line
 * counts) and over git equal the counts git computes for the emulator's own objects (the same numbers
 * Cloud's diffstat serves for this history).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BULK_FILES, ODD_PATHS, UNICODE_PATHS} from '../../../emulator/world/scripted-repo.js'
import {runDevCli, type DevCliResult} from '../../helpers/cli.js'
import {startSyncRig, truthLines} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'
import {gitCliEnv} from './cli-env.js'

const ENTITIES = ['repository', 'commit', 'issueRef', 'user', 'pullRequest'] as const

function sorted(lines: string[], drop: string[] = []): string[] {
  return lines.map((line) => {
    const x = JSON.parse(line) as Record<string, unknown>
    for (const k of drop) delete x[k]
    return JSON.stringify(x, Object.keys(x).sort())
  }).sort()
}

/** Where two sorted line lists differ (a readable failure instead of a 6,000-line diff). */
function difference(mine: string[], theirs: string[]): {missing: string[]; extra: string[]; counts: [number, number]} {
  const m = new Set(mine)
  const t = new Set(theirs)
  return {missing: theirs.filter((x) => !m.has(x)).slice(0, 5), extra: mine.filter((x) => !t.has(x)).slice(0, 5), counts: [mine.length, theirs.length]}
}

function same(mine: string[], theirs: string[], what: string): void {
  expect(difference(mine, theirs), what).toEqual({missing: [], extra: [], counts: [theirs.length, theirs.length]})
}

describe.each(['cloud', 'datacenter'] as const)('git and REST agree on the git-adversarial dataset (%s)', (flavor) => {
  let rig: SyncRig
  let env: Record<string, string>
  let scratch: string
  let edge: string

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'git-adversarial')
    scratch = mkdtempSync(join(tmpdir(), 'bb-git-adv-'))
    env = gitCliEnv(rig, flavor, scratch)
    edge = [...rig.emu.world.truth(flavor, 'repository', 'default')].find((r) => r.key.endsWith('/edge-cases'))!.key
  })
  afterAll(async () => {
    await rig?.close()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  function cli(args: string[]): Promise<DevCliResult> {
    return runDevCli(args, env)
  }

  /** Both syncs, with the REST and git requests each one made. */
  async function syncBoth(restArgs: string[] = []): Promise<Record<'git' | 'rest', {rest: number; git: number}>> {
    const cost = {git: {rest: 0, git: 0}, rest: {rest: 0, git: 0}}
    for (const from of ['git', 'rest'] as const) {
      const before = rig.emu.stats()
      const run = await cli(['sync', '--commits-from', from, '--store', join(scratch, `${from}.db`), ...(from === 'rest' ? restArgs : [])])
      expect(run.code, run.stderr).toBe(0)
      const after = rig.emu.stats()
      cost[from] = {rest: after.total - before.total, git: after.git - before.git}
    }
    return cost
  }

  async function exported(from: string): Promise<Map<string, string[]>> {
    const out = await cli(['export', '--store', join(scratch, `${from}.db`)])
    expect(out.code, out.stderr).toBe(0)
    const by = new Map<string, string[]>()
    for (const line of out.stdout.split('\n').filter(Boolean)) {
      const entity = (JSON.parse(line) as {entity: string}).entity
      by.set(entity, [...(by.get(entity) ?? []), line])
    }
    return by
  }

  /** The line counts git computes for the emulator's objects, by repo, commit and path. */
  function gitCounts(): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>()
    for (const r of rig.emu.world.truth(flavor, 'repository', 'default')) {
      for (const c of rig.emu.world.detail(r.key).commits) {
        for (const f of c.files) out.set(`${r.key}\n${c.hash}\n${f.path}`, [f.linesAdded, f.linesRemoved])
      }
    }
    return out
  }

  async function expectParity(): Promise<Map<string, string[]>> {
    const git = await exported('git')
    const rest = await exported('rest')
    for (const entity of ENTITIES) {
      same(sorted(git.get(entity) ?? []), sorted(rest.get(entity) ?? []), `${entity}: git vs REST`)
      same(sorted(git.get(entity) ?? [], ['entity']), truthLines(rig, entity), `${entity}: git vs truth`)
    }
    const gitFiles = git.get('commitFile') ?? []
    const restFiles = rest.get('commitFile') ?? []
    if (flavor === 'cloud') {
      same(sorted(gitFiles), sorted(restFiles), 'commitFile: git vs REST')
      same(sorted(gitFiles, ['entity']), truthLines(rig, 'commitFile'), 'commitFile: git vs truth')
    } else {
      const counts = ['linesAdded', 'linesRemoved']
      same(sorted(gitFiles, counts), sorted(restFiles, counts), 'commitFile without counts: git vs REST')
      same(sorted(gitFiles, ['entity', ...counts]), sorted(truthLines(rig, 'commitFile'), counts), 'commitFile without counts: git vs truth')
      expect(restFiles.every((l) => (JSON.parse(l) as {linesAdded: unknown}).linesAdded === null)).toBe(true)
      const want = gitCounts()
      const wrong = gitFiles.map((l) => JSON.parse(l) as {repo: string; commit: string; path: string; linesAdded: number; linesRemoved: number})
        .filter((f) => JSON.stringify(want.get(`${f.repo}\n${f.commit}\n${f.path}`)) !== JSON.stringify([f.linesAdded, f.linesRemoved]))
      expect(wrong.slice(0, 5)).toEqual([])
    }
    return git
  }

  it('a first sync: export after git equals export after REST and the truth', async ({annotate}) => {
    const cost = await syncBoth()
    const git = await expectParity()
    // REST pays one file listing per commit (two for the 6,200-file one on Cloud); git pays a clone.
    const commitCount = (git.get('commit') ?? []).length
    await annotate(`${commitCount} commits: --commits-from rest ${cost.rest.rest} REST requests; --commits-from git ${cost.git.rest} REST + ${cost.git.git} git requests`)
    expect(cost.rest.git).toBe(0)
    expect(cost.rest.rest).toBeGreaterThan(commitCount)
    expect(cost.git.git).toBeGreaterThan(0)
    // Over git, the only REST requests REST does not make are the clone links (one per repository).
    const repos = [...rig.emu.world.truth(flavor, 'repository', 'default')].length
    expect(cost.rest.rest - cost.git.rest).toBeGreaterThanOrEqual(commitCount - repos)
    const files = (git.get('commitFile') ?? []).map((l) => JSON.parse(l) as {repo: string; commit: string; path: string; oldPath: string | null; status: string; linesAdded: number | null})
    const paths = new Set(files.map((f) => f.path))
    // The corner cases really are in what was compared.
    for (const p of [...ODD_PATHS, ...UNICODE_PATHS]) expect(paths.has(p), JSON.stringify(p)).toBe(true)
    expect(UNICODE_PATHS[0].normalize('NFC')).toBe(UNICODE_PATHS[1].normalize('NFC'))
    expect(files.filter((f) => f.repo === edge && f.path.startsWith('bulk/'))).toHaveLength(BULK_FILES)
    expect(files.find((f) => f.path === 'lib/main.ts' && f.status === 'renamed')).toMatchObject({oldPath: 'src/main.ts'})
    expect(files.find((f) => f.path === 'src/main.ts' && f.status === 'renamed')).toMatchObject({oldPath: 'src/app.ts'})
    expect(files.filter((f) => f.path === 'assets/logo.png').map((f) => f.status).sort()).toEqual(['added', 'modified', 'removed', 'removed'])
    for (const f of files.filter((x) => x.path === 'assets/logo.png' || x.path === 'feature/blob.bin')) expect(f.linesAdded).toBe(0)
    const commits = (git.get('commit') ?? []).map((l) => JSON.parse(l) as {repo: string; message: string; parents: string[]})
    expect(commits.some((c) => c.message === '')).toBe(true)
    const empty = (git.get('commit') ?? []).map((l) => JSON.parse(l) as {hash: string; message: string}).find((c) => c.message.startsWith('An empty commit'))
    expect(empty).toBeDefined()
    expect(files.filter((f) => f.commit === empty?.hash)).toEqual([])
    expect(commits.some((c) => c.message.includes('\r\n'))).toBe(true)
    expect(commits.filter((c) => c.repo === edge && c.parents.length === 2)).toHaveLength(2)
    // Authors in other time zones: Cloud renders their dates with those offsets, git gives epoch seconds.
    expect(rig.emu.world.detail(edge).commits.map((c) => c.tz).filter(Boolean).sort()).toEqual(['+0530', '+1245', '-0800'])
    // The empty repository: no commits on either channel, and no error.
    const sandbox = [...rig.emu.world.truth(flavor, 'repository', 'default')].find((r) => r.key.endsWith('/sandbox'))!.key
    expect(commits.filter((c) => c.repo === sandbox)).toEqual([])
  }, 600_000)

  it('again after pushes, a force-push that drops commits and a deleted branch', async () => {
    const main = rig.emu.world.detail(edge).repo.defaultBranch!
    await rig.emu.admin.mutate({type: 'push', repo: edge, commits: 2, message: 'Push über odd paths ✓\n'})
    const doomed = await rig.emu.admin.mutate({type: 'push', repo: edge, branch: 'topic/doomed', commits: 2})
    await rig.emu.admin.mutate({type: 'push', repo: edge, branch: 'feature/edge', commits: 1})
    // A pull request whose commit edits, renames or removes files of this history, merged with a merge commit.
    const opened = await rig.emu.admin.mutate({type: 'pr.create', repo: edge, title: 'EDGE-7 change odd files'})
    const merged = await rig.emu.admin.mutate({type: 'pr.merge', repo: edge, id: opened.details.id as number})
    // Two more on top of the merge: what the force-push below drops (a pull request's merge stays).
    const later = await rig.emu.admin.mutate({type: 'push', repo: edge, commits: 2})
    await syncBoth()
    const afterPush = await expectParity()
    expect((afterPush.get('pullRequest') ?? []).some((l) => l.includes(merged.details.mergeCommit as string))).toBe(true)
    const forced = await rig.emu.admin.mutate({type: 'push', repo: edge, branch: main, drop: 2, commits: 1})
    const deleted = await rig.emu.admin.mutate({type: 'branch.delete', repo: edge, branch: 'topic/doomed'})
    const removed = [forced, deleted].flatMap((r) => r.details.dropped as string[])
    expect(removed).toHaveLength(4)
    expect(removed).toEqual(expect.arrayContaining(later.details.commits as string[]))
    expect(removed).toEqual(expect.arrayContaining(doomed.details.commits as string[]))
    await syncBoth(['--full'])
    const git = await expectParity()
    const stored = (git.get('commit') ?? []).join('\n')
    for (const h of removed) expect(stored).not.toContain(h)
  }, 600_000)
})
