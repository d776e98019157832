/**
 * `sync --plan` as a user runs it: the plan is the command's output (stdout), with hours as hours and
 * the budget the principal has left now — including what an earlier run of this tool spent.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runDevCli, type DevCliResult} from '../../helpers/cli.js'

import {startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'


function cli(args: string[], env: Record<string, string> = {}): Promise<DevCliResult> {
  return runDevCli(args, env)
}

describe('sync --plan on the command line', () => {
  let rig: SyncRig
  let env: Record<string, string>

  beforeAll(async () => {
    rig = await startSyncRig('cloud', 'tiny')
    env = {
      BB_INTEGRATE_CONFIG_DIR: rig.dir,
      BB_INTEGRATE_TOKEN: rig.credential.token,
      BB_INTEGRATE_EMAIL: rig.credential.email,
      BB_INTEGRATE_PROVIDER: 'cloud',
      BB_INTEGRATE_URL: rig.emu.apiBase,
      BB_INTEGRATE_RATE_LIMIT: '1000',
    }
  })
  afterAll(async () => rig?.close())

  it('prints the plan on stdout, then a later run knows what the earlier one spent', async () => {
    // Commits over REST: one request per commit for files, which the plan counts.
    const first = await cli(['sync', '--plan', '--json', '--commits-from', 'rest'], env)
    expect(first.code, first.stderr).toBe(0)
    const events = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string})
    const plan = events.find((e) => e.type === 'planSummary') as unknown as {requests: {low: number; high: number}; planRequests: number; remaining: number; limit: number}
    expect(plan.limit).toBe(1000)
    expect(plan.remaining).toBe(1000 - plan.planRequests)
    // The plan's ~200 requests (tiny: every commit's files) exceed nothing; it says so in data.
    expect(plan.requests.low).toBeGreaterThan(150)

    // The budget file holds no secret and no principal in clear.
    const budget = readFileSync(join(rig.dir, 'budget.json'), 'utf8')
    expect(budget).not.toContain(rig.credential.token)
    expect(budget).not.toContain(rig.credential.email)

    // Commits from git (auto finds git on PATH; the tests' environment defaults to rest): REST and the git channel apart, git against its own budget.
    const second = await cli(['sync', '--plan', '--commits-from', 'auto', '--git-dir', join(rig.dir, 'mirrors')], env)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout, second.stderr).toMatch(/^REPOSITORY\s+PRS\s+COMMITS\s+REST\s+GIT$/m)
    expect(second.stdout).toMatch(/^\S+\/api-gateway\s.*\s3 \(clone\)$/m)
    expect(second.stdout).toMatch(/^\S+\/sandbox\s.*\s2 \(clone\)$/m)
    expect(second.stdout).toMatch(/^Git: 8 requests \(3 clones, 0 fetches\) against git's own 60,000 requests\/hour; no rate-limit wait\.$/m)
    expect(existsSync(join(rig.dir, 'mirrors'))).toBe(false)
    expect(second.stdout).toMatch(/^Requests: .* for 3 repositories/m)
    // Both plans' requests are counted: the second run starts from what the first spent.
    const left = 1000 - 2 * plan.planRequests
    expect(second.stdout).toContain(`Budget: ${left.toLocaleString('en-US')} of 1,000 left now (earlier runs counted)`)
    expect(second.stderr).not.toContain('REPOSITORY')
    expect(existsSync(join(rig.dir, 'budget.json'))).toBe(true)
  }, 120_000)
})
