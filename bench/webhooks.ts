/**
 * `npm run bench -- --only webhooks`: the built `webhooks listen` against the Cloud emulator on 127.0.0.1.
 *  1. latency from a change on the emulator to the store (the listener's `applied` line), p50/p95;
 *  2. REST requests the listener makes per delivery (the emulator's own request count);
 *  3. soak: 10,000 signed deliveries at 200/s plus replays of earlier ids — every new id applied once,
 *     every replay answered 200 and not applied; the listener's resident memory sampled throughout.
 * The emulator runs in this process; the listener is a child process, so its memory is its own.
 */
import {spawn} from 'node:child_process'
import {createHmac, randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {Agent, request} from 'node:http'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {FileStore} from '../src/core/auth/file-store.js'
import {ensureWebhookSecret} from '../src/core/webhooks/secret.js'
import {startEmulator} from '../emulator/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))

export interface WebhookBench {
  latency: {n: number; p50: number; p95: number; max: number}
  requestsPerPrEvent: {mean: number; max: number}
  requestsPerPush: {mean: number; max: number}
  soak: {sent: number; replays: number; seconds: number; ratePerSecond: number; accepted: number; duplicates: number; applied: number; appliedTwice: number; lost: number; otherStatuses: number; peakRssMb: number; rssSamplesMb: number[]}
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

function run(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: root, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({code: code ?? 1, stdout, stderr}))
    child.stdin.end(stdin)
  })
}

export async function benchWebhooks(dir: string, options: {soakDeliveries: number; ratePerSecond: number; latencySamples: number}): Promise<WebhookBench> {
  const emu = await startEmulator({flavor: 'cloud', dataset: 'tiny', seed: 11, rateLimit: null, webhooks: {retryDelayMs: 10}})
  const rssFile = join(dir, 'listen-rss.txt')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', CI: '1', NO_COLOR: '1',
    BB_INTEGRATE_CONFIG_DIR: dir, BB_INTEGRATE_STORE: join(dir, 'listen.db'),
    // No rate limit on the emulator here; the client's own Cloud pacing (1,000/h) must not stand in for one.
    BB_INTEGRATE_RATE_LIMIT: '10000000',
  }
  const listenEnv: NodeJS.ProcessEnv = {...env, BB_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import ${join(root, 'bench/rss-probe.mjs')}`}
  try {
    const token = emu.admin.createToken({kind: 'api-token'})
    const connected = await run(['connect', '--provider', 'cloud', '--url', emu.apiBase, '--oauth-url', emu.url, '--auth', 'api-token', '--email', String(token.login), '--token-stdin', '--allow-insecure-store', '--json'], env, token.secret)
    if (connected.code !== 0) throw new Error(`connect failed: ${connected.stderr}`)
    const {secret} = await ensureWebhookSecret(new FileStore({path: join(dir, 'secrets.json'), warn: () => undefined}), 'default')
    const synced = await run(['sync', '--json'], env)
    if (synced.code !== 0) throw new Error(`sync failed: ${synced.stderr}`)

    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'webhooks', 'listen', '--port', '0', '--json'], {cwd: root, env: listenEnv, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    const applied = new Map<string, number>()
    const appliedAt = new Map<string, number>()
    let url = ''
    let ready!: () => void
    const isReady = new Promise<void>((resolve) => (ready = resolve))
    createInterface({input: child.stdout}).on('line', (line) => {
      const e = JSON.parse(line) as {type: string; id?: string; url?: string}
      if (e.type === 'listening') url = e.url!
      if (e.type === 'ready') ready()
      if (e.type === 'applied' && e.id) {
        applied.set(e.id, (applied.get(e.id) ?? 0) + 1)
        appliedAt.set(e.id, Date.now())
      }
    })
    const exited = new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)))
    await Promise.race([isReady, exited.then((c) => {
      throw new Error(`listen exited ${c}: ${stderr}`)
    })])
    const waitApplied = async (id: string) => {
      while (!appliedAt.has(id)) await new Promise((r) => setTimeout(r, 2))
      return appliedAt.get(id)!
    }

    // 1 + 2: real changes on the emulator, delivered by it, one at a time.
    const repo = emu.world.truth('cloud', 'repository', 'default')
    const repoKey = [...repo].find((r) => r.defaultBranch)!.key
    emu.state.hooks.add({
      id: '{0b5e6a1c-0000-4000-8000-00000000b001}', scope: {type: 'container', key: repoKey.split('/')[0]!}, url,
      description: 'bb-integrate:default', events: ['repo:push', 'pullrequest:created', 'pullrequest:approved', 'pullrequest:comment_created', 'pullrequest:changes_request_created'],
      active: true, secret, createdAt: new Date().toISOString(), extra: {},
    })
    const latencies: number[] = []
    const prRequests: number[] = []
    const pushRequests: number[] = []
    // Five PRs, each reviewed, so every later refresh also reads its activity (the dearer case); the comments
    // go round them so no PR's activity outgrows one page.
    const prIds: number[] = []
    for (let i = 0; i < 5; i++) {
      const created = await emu.admin.mutate({type: 'pr.create', repo: repoKey, title: `Bench ABC-${i + 1}`}, {wait: true})
      prIds.push(Number(created.details.id))
      await emu.admin.mutate({type: 'pr.approve', repo: repoKey, id: prIds[i]!}, {wait: true})
    }
    for (const d of emu.admin.deliveries()) await waitApplied(d.requestUuid)
    for (let i = 0; i < options.latencySamples; i++) {
      const kind = i % 10 === 9 ? 'push' : 'pr.comment'
      const before = emu.stats().total
      const t0 = Date.now()
      const outcome = kind === 'push'
        ? await emu.admin.mutate({type: 'push', repo: repoKey, commits: 3}, {wait: true})
        : await emu.admin.mutate({type: kind, repo: repoKey, id: prIds[i % prIds.length]!}, {wait: true})
      const uuids = outcome.deliveries.map((d) => emu.admin.deliveries().find((x) => x.id === d)!.requestUuid)
      const done = Math.max(...(await Promise.all(uuids.map(waitApplied))))
      latencies.push(done - t0)
      ;(kind === 'push' ? pushRequests : prRequests).push((emu.stats().total - before) / Math.max(1, uuids.length))
    }

    // 3: soak. Signed deliveries naming real PRs, at a steady rate, with replays of earlier ids mixed in.
    const prs = [...emu.world.truth('cloud', 'pullRequest', 'default')]
    const agent = new Agent({keepAlive: true, maxSockets: 64})
    const statuses = new Map<number, number>()
    const ids: string[] = []
    const replayEvery = 20
    const rss: number[] = []
    const sampler = setInterval(() => rss.push(rssMb(child.pid!)), 1000)
    const send = (deliveryId: string, n: number) => new Promise<void>((resolve) => {
      const pr = prs[n % prs.length]!
      const body = JSON.stringify({actor: {}, repository: {full_name: pr.repo}, pullrequest: {id: pr.id}})
      const req = request(url, {method: 'POST', agent, headers: {
        'Content-Type': 'application/json', 'X-Event-Key': 'pullrequest:updated', 'X-Request-UUID': deliveryId,
        'X-Hub-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      }}, (res) => {
        res.resume()
        res.on('end', () => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1)
          resolve()
        })
      })
      req.on('error', () => {
        statuses.set(0, (statuses.get(0) ?? 0) + 1)
        resolve()
      })
      req.end(body)
    })
    const t0 = Date.now()
    const pending: Array<Promise<void>> = []
    let replays = 0
    for (let n = 0; n < options.soakDeliveries; n++) {
      const due = t0 + (n * 1000) / options.ratePerSecond
      const wait = due - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const deliveryId = randomUUID()
      ids.push(deliveryId)
      pending.push(send(deliveryId, n))
      if (n % replayEvery === replayEvery - 1) {
        replays += 1
        pending.push(send(ids[n - 10]!, n))
      }
    }
    await Promise.all(pending)
    const sendSeconds = (Date.now() - t0) / 1000
    const deadline = Date.now() + 600_000
    while (ids.some((x) => !applied.has(x)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    clearInterval(sampler)
    agent.destroy()
    child.kill('SIGINT')
    const code = await exited
    if (code !== 0) throw new Error(`listen exited ${code}: ${stderr}`)
    const soakIds = new Set(ids)
    const appliedTwice = [...applied].filter(([k, n]) => soakIds.has(k) && n > 1).length
    const lost = ids.filter((x) => !applied.has(x)).length
    const sorted = [...latencies].sort((a, b) => a - b)
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
    return {
      latency: {n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? 0},
      requestsPerPrEvent: {mean: mean(prRequests), max: Math.max(0, ...prRequests)},
      requestsPerPush: {mean: mean(pushRequests), max: Math.max(0, ...pushRequests)},
      soak: {
        sent: options.soakDeliveries, replays, seconds: sendSeconds, ratePerSecond: options.ratePerSecond,
        accepted: statuses.get(202) ?? 0, duplicates: statuses.get(200) ?? 0,
        applied: ids.filter((x) => applied.has(x)).length, appliedTwice, lost,
        otherStatuses: [...statuses].filter(([s]) => s !== 200 && s !== 202).reduce((n, [, c]) => n + c, 0),
        peakRssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
        rssSamplesMb: rss,
      },
    }
  } finally {
    await emu.close()
  }
}
