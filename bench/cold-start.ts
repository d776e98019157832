/**
 * Cold start of `bb-integrate --version`: median of N fresh processes, next to a bare `node -e 0`
 * run side by side as the baseline (what Node itself costs on this machine).
 */
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function timeRun(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export interface ColdStartResult {
  runs: number
  /** NODE_EXTRA_CA_CERTS as it was for this measurement (a large bundle costs every Node process ~100 ms). */
  extraCaCerts: string | null
  versionMedianMs: number
  helpMedianMs: number
  nodeBaselineMedianMs: number
}

export function measureColdStart(runs = 10, env: NodeJS.ProcessEnv = {...process.env, NODE_OPTIONS: ''}): ColdStartResult {
  const version: number[] = []
  const help: number[] = []
  const baseline: number[] = []
  timeRun(['bin/run.js', '--version'], env) // warm the OS file cache once; not counted
  for (let i = 0; i < runs; i++) {
    baseline.push(timeRun(['-e', '0'], env))
    version.push(timeRun(['bin/run.js', '--version'], env))
    help.push(timeRun(['bin/run.js', '--help'], env))
  }
  return {runs, extraCaCerts: env.NODE_EXTRA_CA_CERTS ?? null, versionMedianMs: median(version), helpMedianMs: median(help), nodeBaselineMedianMs: median(baseline)}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(measureColdStart(Number(process.argv[2] ?? 10)), null, 2))
}
