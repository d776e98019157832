/**
 * Smoke tests as a new user meets the CLI: the built binary in a pipe, a fresh config directory, no
 * credentials in the environment. Exit codes and streams are the contract (../shared/PRODUCT.md):
 * 0 ok · 1 failure · 2 bad usage · 3 auth · 4 interrupted · 5 rate-limit budget; data on stdout only.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, runCli, type CliResult} from '../../helpers/cli.js'

/**
 * Product bugs found by these tests (reported to the owners, not fixed here). Each is an `it.fails`: the
 * suite stays green while the bug exists and turns red when it is fixed — then set the entry to false.
 *  - SYNC_PARSE_JSON: `sync --json` with a flag oclif rejects (unknown flag, bad integer) prints the
 *    pretty-printed `{"error":{…}}` object, not the one-line `{"v":1,"type":"error",…}` of docs/events.md
 *    (which --shard/--since errors do print).
 *  - NOT_FOUND_JSON: an unknown command under --json prints its error on stderr only, nothing on stdout.
 */
const KNOWN_BUGS = {SYNC_PARSE_JSON: false, NOT_FOUND_JSON: false}
const itUnless = (bug: boolean) => (bug ? it.fails : it)

const COMMANDS = ['connect', 'sync', 'validate', 'export', 'demo']
const TOPICS = ['auth', 'repos', 'webhooks']
/** Every runnable command whose --help must work. */
const ALL_COMMANDS = ['connect', 'disconnect', 'sync', 'validate', 'export', 'demo', 'auth status', 'repos list', 'repos select', 'webhooks ensure', 'webhooks list', 'webhooks delete', 'webhooks test']

let configDir: string

beforeAll(() => {
  ensureBuilt()
  configDir = mkdtempSync(path.join(tmpdir(), 'bbi-e2e-cli-'))
})
afterAll(() => {
  rmSync(configDir, {recursive: true, force: true})
})

/** A new user: an empty config directory and none of the BB_INTEGRATE_* credentials. */
function cli(args: string[]): Promise<CliResult> {
  return runCli(args, {
    timeoutMs: 20_000,
    env: {
      BB_INTEGRATE_CONFIG_DIR: configDir,
      BB_INTEGRATE_TOKEN: undefined,
      BB_INTEGRATE_EMAIL: undefined,
      BB_INTEGRATE_PROVIDER: undefined,
      BB_INTEGRATE_URL: undefined,
      BB_INTEGRATE_CONNECTION: undefined,
      BB_INTEGRATE_STORE: undefined,
    },
  })
}

function parseJsonObject(stdout: string): Record<string, unknown> {
  const text = stdout.trim()
  expect(text, 'stdout must hold a JSON object').not.toBe('')
  // Either one pretty-printed object or one NDJSON line: both must be a single object.
  const value: unknown = JSON.parse(text)
  expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true)
  return value as Record<string, unknown>
}

/** The exit code an error object reports, wherever the command puts it (top level or under `error`). */
function reportedExitCode(obj: Record<string, unknown>): unknown {
  if ('exitCode' in obj) return obj.exitCode
  const error = obj.error as Record<string, unknown> | undefined
  return error?.exitCode
}

function errorMessage(obj: Record<string, unknown>): string {
  const error = (obj.error as Record<string, unknown> | undefined) ?? obj
  return String(error.message ?? '')
}

describe('a new user at the command line', () => {
  it('--version prints the name and version on stdout and exits 0', async () => {
    const r = await cli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^bb-integrate\/\d+\.\d+\.\d+/)
  })

  it('--help lists the topics and the commands', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/USAGE/)
    const topics = r.stdout.split(/^TOPICS$/m)[1]?.split(/^COMMANDS$/m)[0] ?? ''
    const commands = r.stdout.split(/^COMMANDS$/m)[1] ?? ''
    for (const topic of TOPICS) expect(topics, `topic ${topic}`).toMatch(new RegExp(`^\\s+${topic}\\s`, 'm'))
    for (const command of COMMANDS) expect(commands, `command ${command}`).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'))
  })

  it.each(ALL_COMMANDS)('`%s --help` shows usage and exits 0', async (command) => {
    const r = await cli([...command.split(' '), '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('USAGE')
    expect(r.stdout).toContain(`$ bb-integrate ${command}`)
    expect(r.stderr).not.toMatch(/error/i)
  })

  it('an unknown command exits 2 and suggests the closest one', async () => {
    const r = await cli(['synk'])
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/synk/)
    expect(r.stderr, 'a suggestion naming `sync`').toMatch(/\bsync\b/)
    expect(r.code).toBe(2)
  })

  describe.each([
    {args: ['sync', '--shard', '3/2'], flag: '--shard', jsonBug: false},
    {args: ['sync', '--since', 'yesterday'], flag: '--since', jsonBug: false},
    {args: ['export', '--format', 'xml'], flag: '--format', jsonBug: false},
    {args: ['connect', '--provider', 'nope'], flag: '--provider', jsonBug: false},
    {args: ['sync', '--concurrency', 'abc'], flag: '--concurrency', jsonBug: KNOWN_BUGS.SYNC_PARSE_JSON},
    {args: ['sync', '--bogus'], flag: '--bogus', jsonBug: KNOWN_BUGS.SYNC_PARSE_JSON},
  ])('a bad flag value: $args', ({args, flag, jsonBug}) => {
    it('exits 2 with a message naming the flag, on stderr only', async () => {
      const r = await cli(args)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(flag)
      expect(r.code).toBe(2)
    })

    itUnless(jsonBug)('under --json: one JSON error object on stdout, exit 2', async () => {
      const r = await cli([...args, '--json'])
      const obj = parseJsonObject(r.stdout)
      expect(errorMessage(obj)).toContain(flag)
      expect(reportedExitCode(obj)).toBe(2)
      expect(r.code).toBe(2)
      // docs/events.md: a sync that fails before it starts prints one NDJSON `error` line.
      if (args[0] === 'sync') {
        expect(r.stdout.trim().split('\n')).toHaveLength(1)
        expect(obj).toMatchObject({v: 1, type: 'error', exitCode: 2})
      }
    })
  })

  it('sync with no connection and no credentials in the environment exits 2 and says to run connect', async () => {
    const r = await cli(['sync'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/bb-integrate connect/)
  })

  it('sync --json with no connection: one JSON error line on stdout naming connect, exit 2', async () => {
    const r = await cli(['sync', '--json'])
    expect(r.code).toBe(2)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const obj = parseJsonObject(lines[0] as string)
    expect(obj).toMatchObject({v: 1, type: 'error', code: 'no_connection', exitCode: 2})
    expect(`${String(obj.message)} ${String(obj.remedy)}`).toMatch(/bb-integrate connect/)
    expect(r.stderr).toBe('')
  })

  it('validate --json with no connection: the report on stdout (ok:false, config check failed), exit 1', async () => {
    const r = await cli(['validate', '--json'])
    expect(r.code).toBe(1)
    const report = parseJsonObject(r.stdout) as {ok: boolean; checks: Array<{id: string; status: string; remedy: string | null}>}
    expect(report.ok).toBe(false)
    const config = report.checks.find((c) => c.id === 'config')
    expect(config?.status).toBe('fail')
    expect(config?.remedy).toMatch(/bb-integrate connect/)
  })

  it.each([['repos', 'list'], ['repos', 'select', '--all']])(
    '`%s %s` with no connection under --json: a JSON error object on stdout with its exit code (2)',
    async (...args: string[]) => {
      const r = await cli([...args, '--json'])
      const obj = parseJsonObject(r.stdout)
      expect(reportedExitCode(obj)).toBe(r.code)
      expect(r.code).toBe(2)
      expect(JSON.stringify(obj)).toMatch(/connect/)
    },
  )

  itUnless(KNOWN_BUGS.NOT_FOUND_JSON)('an unknown command under --json still exits 2 and prints its error as a JSON object on stdout', async () => {
    const r = await cli(['synk', '--json'])
    expect(r.code).toBe(2)
    const obj = parseJsonObject(r.stdout)
    expect(reportedExitCode(obj)).toBe(2)
    expect(errorMessage(obj)).toContain('synk')
  })
})
