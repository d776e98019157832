/**
 * `bb-integrate demo` as a newcomer runs it: the built CLI in a pipe, the bundled emulator started by
 * the demo itself, a throwaway config directory. The tour must run every step and exit 0 for both
 * flavours; `--json` must hand back the steps and their exit codes.
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli} from '../../helpers/cli.js'

/** The tour's commands, in order (src/demo/tour.ts). */
const STEPS = [
  /^connect --provider (cloud|datacenter) /,
  /^auth status$/,
  /^repos list$/,
  /^repos select --all$/,
  /^validate$/,
  /^sync$/,
  /^sync$/,
  /^webhooks listen --port \d+ --path \/bb --public-url http:\/\/127\.0\.0\.1:\d+\/bb --ensure --ephemeral$/,
  /^export --entity repository --format csv$/,
]

const TITLES = [
  'Connect with a scoped token',
  'Who am I',
  'List every repository',
  'Select repositories for sync',
  'Pre-flight checks',
  'Full sync',
  'Meanwhile on Bitbucket',
  'Incremental sync',
  'Keep the store current: a webhook listener',
  'Export the synced repositories as CSV',
]

interface DemoJson {
  emulator: string
  configDir: string
  steps: Array<{command: string; exitCode: number}>
}

const dirs: string[] = []
function configDir(): string {
  // The demo keeps its config dir (the user may want to look at it): the test owns and removes it.
  const dir = mkdtempSync(path.join(tmpdir(), 'bbi-demo-'))
  dirs.push(dir)
  return dir
}

beforeAll(() => {
  ensureBuilt()
})
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

function demo(args: string[]) {
  // No BB_INTEGRATE_* from the developer's shell: the demo must need nothing.
  return runCli(['demo', '--dataset', 'tiny', ...args], {timeoutMs: 90_000, env: {BB_INTEGRATE_TOKEN: undefined, CI: undefined}})
}

function expectSteps(steps: DemoJson['steps']): void {
  expect(steps.map((s) => s.command)).toHaveLength(STEPS.length)
  steps.forEach((step, i) => {
    expect(step.command).toMatch(STEPS[i] as RegExp)
    // validate may warn (exit 1 is allowed by the tour), everything else succeeds.
    expect(step.exitCode, step.command).toBe(0)
  })
}

describe('bb-integrate demo', () => {
  it('Cloud, in a pipe: runs every step, tells the story on stderr and exits 0', async () => {
    const dir = configDir()
    const r = await demo(['--config-dir', dir])
    expect(r.timedOut).toBe(false)
    expect(r.code, r.stderr).toBe(0)
    for (const title of TITLES) expect(r.stderr, title).toContain(`▶ ${title}`)
    // Each step prints the command it runs.
    expect(r.stderr).toMatch(/\$ bb-integrate connect --provider cloud --url http:\/\/127\.0\.0\.1:\d+\/2\.0/)
    for (const cmd of ['auth status', 'repos list', 'repos select --all', 'validate', 'sync', 'export --entity repository --format csv']) {
      expect(r.stderr).toContain(`$ bb-integrate ${cmd}`)
    }
    expect(r.stderr).toMatch(/sync complete: \d+ done, 0 failed, 0 left/)
    expect(r.stderr).not.toMatch(/demo step failed/)
    // The export step's CSV is the demo's data on stdout.
    expect(r.stdout).toMatch(/^provider,connection,key,name,project,isPrivate,defaultBranch,createdAt,updatedAt,url$/m)
    expect(r.stdout).toMatch(/^cloud,demo,acme-platform\/api-gateway,/m)
    expect(existsSync(path.join(dir, 'bb-integrate.db'))).toBe(true)
  })

  it('Cloud --json: one JSON document on stdout with every step and its exit code', async () => {
    const dir = configDir()
    const r = await demo(['--config-dir', dir, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as DemoJson
    expect(result.emulator).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(result.configDir).toBe(dir)
    expectSteps(result.steps)
    expect(result.steps[0]?.command).toContain('--provider cloud')
  })

  it('Data Center --json: works end to end', async () => {
    const dir = configDir()
    const r = await demo(['--provider', 'datacenter', '--config-dir', dir, '--json'])
    expect(r.timedOut).toBe(false)
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as DemoJson
    expectSteps(result.steps)
    expect(result.steps[0]?.command).toMatch(/--provider datacenter --url http:\/\/127\.0\.0\.1:\d+ --auth pat/)
    expect(r.stdout.trim().startsWith('{')).toBe(true)
  }, 90_000)

  it('Data Center, in a pipe: runs every step and exits 0', async () => {
    const dir = configDir()
    const r = await demo(['--provider', 'datacenter', '--config-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('Bitbucket Data Center emulator running at http://127.0.0.1:')
    for (const title of TITLES) expect(r.stderr, title).toContain(`▶ ${title}`)
    expect(r.stderr).toMatch(/sync complete: \d+ done, 0 failed, 0 left/)
    expect(r.stdout).toMatch(/^datacenter,demo,[A-Z]+\/[^,]+,/m)
  }, 90_000)
})
