/**
 * The `sync` and `export` commands as a script runs them: bad flags exit 2, `sync --json` prints
 * NDJSON `{"v":1,…}` ending with the summary, plain progress goes to stderr, and `export` prints
 * exactly the truth (NDJSON) or RFC 4180 CSV.
 */
import {spawn} from 'node:child_process'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runDevCli, type DevCliResult} from '../../helpers/cli.js'
import {truthLines, startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'

const BIN = new URL('../../../bin/dev.js', import.meta.url).pathname

function cli(args: string[], env: Record<string, string> = {}): Promise<DevCliResult> {
  return runDevCli(args, env)
}

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += ch
  }
  return rows
}

describe('sync and export commands', () => {
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
    }
  })
  afterAll(async () => rig?.close())

  it('rejects bad flags with exit 2 and a clear message, before touching the network', async () => {
    const shard = await cli(['sync', '--shard', '3/2'], env)
    expect(shard.code).toBe(2)
    // --shard is gone: the message names the queue that replaces it.
    expect(shard.stderr).toMatch(/--shard was removed/)
    expect(shard.stderr).toMatch(/sync --store postgres:\/\/… --enqueue/)
    const since = await cli(['sync', '--since', 'last tuesday', '--json'], env)
    expect(since.code).toBe(2)
    expect(JSON.parse(since.stdout.trim().split('\n').at(-1)!)).toMatchObject({v: 1, type: 'error', code: 'bad_since', exitCode: 2})
  }, 60_000)

  it('sync --json streams NDJSON ending in the summary; export prints exactly the truth', async () => {
    const run = await cli(['sync', '--json'], env)
    expect(run.code, run.stderr).toBe(0)
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as {v: number; type: string})
    expect(events.every((e) => e.v === 1)).toBe(true)
    expect(events[0]!.type).toBe('start')
    expect(events.at(-1)).toMatchObject({type: 'summary', complete: true, reposFailed: 0})
    expect((events.at(-1) as unknown as {requests: number}).requests).toBeGreaterThan(0)

    const out = await cli(['export'], env)
    expect(out.code, out.stderr).toBe(0)
    const rows = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const entity of ['repository', 'pullRequest', 'review', 'commitFile', 'issueRef', 'user'] as const) {
      const mine = rows.filter((r) => r.entity === entity).map(({entity: _e, ...rest}) => JSON.stringify(rest, Object.keys(rest).sort())).sort()
      expect(mine, entity).toEqual(truthLines(rig, entity))
    }
  }, 120_000)

  it('export to a slow reader, then one that stops early (`| head -1`): exit 0, no EPIPE, no listener-leak warning', async () => {
    // A reader that takes its time: every full pipe is a wait for 'drain', which must not pile up listeners.
    const slow = await new Promise<{code: number | null; bytes: number; stderr: string}>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'export'], {env: {...process.env, CI: '1', NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
      let bytes = 0
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => {
        bytes += d.length
        child.stdout.pause()
        setTimeout(() => child.stdout.resume(), 2)
      })
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.once('error', reject)
      child.once('exit', (code) => resolve({code, bytes, stderr}))
    })
    expect(slow.code, slow.stderr).toBe(0)
    expect(slow.bytes).toBeGreaterThan(200_000)
    expect(slow.stderr).not.toMatch(/MaxListenersExceeded/)

    const early = await new Promise<{code: number | null; stderr: string}>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'export', '--entity', 'commitFile', '--format', 'csv'], {
        env: {...process.env, CI: '1', NO_COLOR: '1', ...env},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      // Like `head -1`: read the first chunk, then close the pipe while the export still has rows to write.
      child.stdout.once('data', () => child.stdout.destroy())
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.once('error', reject)
      child.once('exit', (code) => resolve({code, stderr}))
    })
    expect(early.code, early.stderr).toBe(0)
    expect(early.stderr).not.toMatch(/EPIPE/)
  }, 120_000)

  it('a flag value outside its options is bad usage: exit 2, and the --json error envelope', async () => {
    const r = await cli(['export', '--format', 'xml', '--json'], env)
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {name: 'UsageError', code: 'bad_usage', message: 'Expected --format=xml to be one of: ndjson, csv', remedy: 'See `bb-integrate export --help`.', details: null, exitCode: 2},
    })
    const nonInteger = await cli(['sync', '--concurrency', 'abc'], env)
    expect(nonInteger.code).toBe(2)
    expect(nonInteger.stderr).toContain('Invalid --concurrency: Expected an integer but received: abc')
    const unknown = await cli(['repos', 'list', 'extra'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('"repos list" takes no argument "extra"')
  }, 60_000)

  it('plain progress on stderr without a TTY, CSV export with RFC 4180 quoting', async () => {
    const run = await cli(['sync'], env)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^sync: 3 repositories/m)
    expect(run.stderr).toMatch(/^sync complete: 3 done, 0 failed, 0 left/m)

    const csv = await cli(['export', '--entity', 'commit', '--format', 'csv'], env)
    expect(csv.code, csv.stderr).toBe(0)
    const [header, ...records] = parseCsv(csv.stdout)
    expect(header).toEqual(['repo', 'hash', 'authorName', 'authorEmail', 'authorAccount', 'date', 'message', 'parents'])
    const truth = [...rig.emu.world.truth('cloud', 'commit', 'default')]
    expect(records).toHaveLength(truth.length)
    const byHash = new Map(records.map((r) => [r[1], r]))
    for (const c of truth) {
      const r = byHash.get(c.hash)!
      // Messages with newlines, quotes and commas survive the round trip.
      expect(r[6]).toBe(c.message)
      expect(r[7]).toBe(c.parents.join(' '))
    }
  }, 120_000)
})
