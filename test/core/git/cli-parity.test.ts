/**
 * `sync --commits-from git` against `sync --commits-from rest` as a user runs them: on Cloud and
 * Data Center, `export` after each equals the other and the emulator's truth (Data Center's git path
 * adds the line counts REST lacks), again after a push and a merge, and after a force-push and a
 * deleted branch (git prunes unreachable commits on every sync, REST on `--full`). `auto` without git on PATH falls
 * back to REST with one warning; `git` without it is a usage error.
 */
import {mkdirSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runDevCli, type DevCliResult} from '../../helpers/cli.js'
import {startSyncRig, truthLines} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'
import {gitCliEnv} from './cli-env.js'


function cli(args: string[], env: Record<string, string>): Promise<DevCliResult> {
  return runDevCli(args, env)
}

function sorted(ndjson: string, drop: string[] = []): string[] {
  return ndjson.split('\n').filter(Boolean).map((line) => {
    const x = JSON.parse(line) as Record<string, unknown>
    for (const k of drop) delete x[k]
    return JSON.stringify(x, Object.keys(x).sort())
  }).sort()
}

describe.each(['cloud', 'datacenter'] as const)('--commits-from on %s', (flavor) => {
  let rig: SyncRig
  let env: Record<string, string>
  let scratch: string

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny')
    scratch = mkdtempSync(join(tmpdir(), 'bb-git-cli-'))
    env = gitCliEnv(rig, flavor, scratch)
  })
  afterAll(async () => {
    await rig?.close()
    rmSync(scratch, {recursive: true, force: true})
  })

  async function syncBoth(restArgs: string[] = []): Promise<void> {
    for (const from of ['git', 'rest']) {
      const run = await cli(['sync', '--commits-from', from, '--store', join(scratch, `${from}.db`), ...(from === 'rest' ? restArgs : [])], env)
      expect(run.code, run.stderr).toBe(0)
    }
  }

  /** One `export` of everything, split by entity (each line names its entity). */
  async function exported(from: string): Promise<Map<string, string>> {
    const out = await cli(['export', '--store', join(scratch, `${from}.db`)], env)
    expect(out.code, out.stderr).toBe(0)
    const by = new Map<string, string>()
    for (const line of out.stdout.split('\n').filter(Boolean)) {
      const entity = (JSON.parse(line) as {entity: string}).entity
      by.set(entity, `${by.get(entity) ?? ''}${line}\n`)
    }
    return by
  }

  async function expectParity(): Promise<void> {
    const git = await exported('git')
    const rest = await exported('rest')
    for (const entity of ['commit', 'issueRef', 'user', 'pullRequest']) {
      expect(sorted(git.get(entity) ?? ''), entity).toEqual(sorted(rest.get(entity) ?? ''))
      // export tags each line with its entity; the truth does not.
      expect(sorted(git.get(entity) ?? '', ['entity']), entity).toEqual(truthLines(rig, entity as never))
    }
    const gitFiles = git.get('commitFile') ?? ''
    const restFiles = rest.get('commitFile') ?? ''
    if (flavor === 'cloud') {
      expect(sorted(gitFiles)).toEqual(sorted(restFiles))
      expect(sorted(gitFiles, ['entity'])).toEqual(truthLines(rig, 'commitFile'))
    } else {
      // Data Center REST gives no line counts; git gives them all.
      expect(sorted(gitFiles, ['linesAdded', 'linesRemoved'])).toEqual(sorted(restFiles, ['linesAdded', 'linesRemoved']))
      const lines = gitFiles.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {linesAdded: number | null})
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.every((f) => typeof f.linesAdded === 'number')).toBe(true)
    }
  }

  it('export after git equals export after REST and the truth', async () => {
    await syncBoth()
    await expectParity()
  }, 300_000)

  it('and again after a push and a merge', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', 'default')].find((r) => r.defaultBranch)!.key
    await rig.emu.admin.mutate({type: 'push', repo, commits: 2, message: 'Ünïcode ✓ push\n'})
    const open = rig.emu.world.detail(repo).pullRequests.find((p) => p.state === 'OPEN')
    if (open) await rig.emu.admin.mutate({type: 'pr.merge', repo, id: open.id})
    await syncBoth()
    await expectParity()
  }, 300_000)

  it('and again after a force-push and a deleted branch: unreachable commits leave the store (git on every sync, REST on --full)', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', 'default')].find((r) => r.defaultBranch)!.key
    const main = rig.emu.world.detail(repo).repo.defaultBranch!
    // The topic branches start at the default head before its two new commits, so each drop below
    // leaves commits that no branch reaches.
    await rig.emu.admin.mutate({type: 'push', repo, branch: 'topic/rewrite', commits: 3})
    const gone = await rig.emu.admin.mutate({type: 'push', repo, branch: 'topic/gone', commits: 2})
    await rig.emu.admin.mutate({type: 'push', repo, commits: 2})
    await syncBoth()
    await expectParity()
    const mainDropped = await rig.emu.admin.mutate({type: 'push', repo, branch: main, drop: 2, commits: 1})
    const topicDropped = await rig.emu.admin.mutate({type: 'push', repo, branch: 'topic/rewrite', drop: 2, commits: 1})
    const deleted = await rig.emu.admin.mutate({type: 'branch.delete', repo, branch: 'topic/gone'})
    const removed = [mainDropped, topicDropped, deleted].flatMap((r) => r.details.dropped as string[])
    expect(removed).toHaveLength(6)
    expect(removed).toEqual(expect.arrayContaining(gone.details.commits as string[]))
    await syncBoth(['--full'])
    await expectParity()
    const stored = (await exported('git')).get('commit') ?? ''
    for (const h of removed) expect(stored).not.toContain(h)
  }, 300_000)

  it('auto without git falls back to REST with one warning; git without it is a usage error', async () => {
    const bin = join(scratch, 'bin-without-git')
    rmSync(bin, {recursive: true, force: true})
    mkdirSync(bin)
    symlinkSync(process.execPath, join(bin, 'node'))
    const noGit = {...env, PATH: bin}
    const auto = await cli(['sync', '--commits-from', 'auto', '--no-prs', '--store', join(scratch, 'auto.db')], noGit)
    expect(auto.code, auto.stderr).toBe(0)
    expect(auto.stderr.match(/git is not on PATH/g)?.length).toBe(1)
    const strict = await cli(['sync', '--commits-from', 'git', '--store', join(scratch, 'strict.db')], noGit)
    expect(strict.code).toBe(2)
    expect(strict.stderr).toMatch(/--commits-from git: git is not on PATH/)
  }, 300_000)
})
