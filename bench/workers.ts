/**
 * Workers against the shared rate-limit bound: 1, 2 and 4 worker processes (the built CLI) draining one
 * queue, for 1 and for 4 principals (one connection per principal, each a different user's API token).
 * The Cloud emulator limits each principal to `limit` requests per rolling "hour" of 60 windows; the
 * bound is principals × cap / window, the most any client may send without a 429.
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {planWindows} from '../src/core/http/ledger-postgres.js'
import {openQueue} from '../src/core/workers/queue.js'
import {pendingJobs} from '../src/core/workers/worker.js'
import {startPgServer} from '../test/core/store/pg-server.js'
import {startEmulator} from '../emulator/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(root, 'bin/run.js')

export interface WorkersRow {
  principals: number
  workers: number
  requests: number
  seconds: number
  perSecond: number
  boundPerSecond: number
  ratio: number
  rateLimited: number
  /** Mean number of principals with at least one running job (sampled every 100 ms). */
  busyPrincipals: number
}

function run(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['pipe', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdin!.end(stdin ?? '')
    child.once('error', reject)
    child.once('exit', (code) => resolve({code, stderr}))
  })
}

export async function benchWorkers(options: {dataset: string; windowMs: number; limit: number; quick: boolean; principals?: number[]; workers?: number[]; trace?: (line: string) => void}): Promise<WorkersRow[]> {
  const server = await startPgServer()
  if (!server) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found; run scripts/install-test-deps.sh')
  const plan = planWindows(options.limit, options.windowMs)
  const rows: WorkersRow[] = []
  try {
    for (const principals of options.principals ?? [1, 4]) {
      for (const workers of options.workers ?? (options.quick ? [1, 2] : [1, 2, 4])) {
        const emu = await startEmulator({flavor: 'cloud', dataset: options.dataset, seed: 3, rateLimit: {requestsPerWindow: options.limit, windowMs: plan.periodMs}})
        const dir = mkdtempSync(join(tmpdir(), 'bb-bench-workers-'))
        const procs: ChildProcess[] = []
        try {
          const url = await server.createDatabase(`bench_${principals}_${workers}`)
          const env: NodeJS.ProcessEnv = {
            ...process.env, CI: '1', NO_COLOR: '1', BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_STORE: url,
            BB_INTEGRATE_RATE_LIMIT: String(options.limit), BB_INTEGRATE_RATE_WINDOW_MS: String(options.windowMs),
            BB_INTEGRATE_ALLOW_INSECURE_STORE: '1',
          }
          for (const name of Array.from({length: principals}, (_, i) => `p${i + 1}`)) {
            const user = emu.world.users()[Number(name.slice(1)) - 1]!
            const token = emu.admin.createToken({kind: 'api-token', user: user.uuid, name})
            const connected = await run(['connect', '--name', name, '--provider', 'cloud', '--url', emu.apiBase, '--auth', 'api-token', '--email', user.email, '--token-stdin'], env, token.secret)
            if (connected.code !== 0) throw new Error(`connect ${name} failed: ${connected.stderr}`)
            const queued = await run(['sync', '--connection', name, '--enqueue'], env)
            if (queued.code !== 0) throw new Error(`enqueue ${name} failed: ${queued.stderr}`)
          }
          const queue = await openQueue(url, {})
          const before = emu.stats()
          // Time from the first job's start until the queue is empty (process start-up is not throughput).
          let t0 = 0
          // Which connection (principal) each running job belongs to, to see whether slots spread over principals.
          const running = new Map<string, string>()
          for (let i = 0; i < workers; i++) {
            const p = spawn(process.execPath, [BIN, 'worker', '--json', '--catch-up', 'off', '--concurrency', '4'], {env, stdio: ['ignore', 'pipe', 'ignore']})
            createInterface({input: p.stdout!}).on('line', (line) => {
              if (!line.includes('"type":"job"')) return
              if (t0 === 0) t0 = Date.now()
              options.trace?.(`${Date.now() - t0} w${i} ${line}`)
              const event = JSON.parse(line) as {phase: string; id: string; connection: string}
              if (event.phase === 'start') running.set(`${i}:${event.id}`, event.connection)
              else if (event.phase !== 'step') running.delete(`${i}:${event.id}`)
            })
            procs.push(p)
          }
          let samples = 0
          let busy = 0
          for (;;) {
            await new Promise((r) => setTimeout(r, 100))
            if (t0 !== 0) {
              samples++
              busy += new Set(running.values()).size
            }
            if ((await pendingJobs(queue)) === 0) break
          }
          const seconds = (Date.now() - t0) / 1000
          await queue.close()
          const after = emu.stats()
          const requests = after.total - before.total
          const boundPerSecond = (principals * plan.cap) / (options.windowMs / 1000)
          rows.push({
            principals, workers, requests, seconds, perSecond: requests / seconds, boundPerSecond,
            ratio: requests / seconds / boundPerSecond, rateLimited: after.rateLimited - before.rateLimited,
            busyPrincipals: samples === 0 ? 0 : busy / samples,
          })
          process.stderr.write(`workers: ${principals} principal(s), ${workers} worker(s): ${requests} requests in ${seconds.toFixed(1)} s, ${rows.at(-1)!.busyPrincipals.toFixed(2)} principals busy on average\n`)
        } finally {
          for (const p of procs) p.kill('SIGTERM')
          await Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.once('exit', r)))))
          await emu.close()
          rmSync(dir, {recursive: true, force: true})
        }
      }
    }
  } finally {
    await server.stop()
  }
  return rows
}
