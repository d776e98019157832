/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp dir, pg_ctl on a free loopback port,
 * trust auth, fsync off. Runs as the `postgres` user when we are root (initdb refuses root).
 * Returns null only when the binaries are missing and CI is not set; in CI a missing server fails.
 */
import {execFileSync} from 'node:child_process'
import {chownSync, existsSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface PgServer {
  /** Connection URL of a fresh database `name`. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

const CANDIDATE_DIRS = ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/bin']

function findBin(name: string): string | null {
  for (const dir of CANDIDATE_DIRS) if (existsSync(join(dir, name))) return join(dir, name)
  return null
}

/** Whether a cluster can be started here (CI must have one: there the tests fail rather than skip). */
export function pgAvailable(): boolean {
  return Boolean(process.env.CI) || (findBin('initdb') !== null && findBin('pg_ctl') !== null)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export async function startPgServer(): Promise<PgServer | null> {
  const initdb = findBin('initdb')
  const pgCtl = findBin('pg_ctl')
  if (!initdb || !pgCtl) {
    if (process.env.CI) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found; CI must install postgresql.')
    return null
  }
  const asRoot = process.getuid?.() === 0
  const run = (bin: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
    return execFileSync(cmd, argv, {stdio: 'pipe', timeout: 60_000})
  }
  const dir = mkdtempSync(join(tmpdir(), 'bb-pg-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
  run(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`])
  const base = `postgres://postgres@127.0.0.1:${port}`
  const pg = (await import('pg')).default
  return {
    async createDatabase(name: string) {
      const client = new pg.Client({connectionString: `${base}/postgres`})
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}"`)
        await client.query(`CREATE DATABASE "${name}"`)
      } finally {
        await client.end()
      }
      return `${base}/${name}`
    },
    async stop() {
      try {
        run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    },
  }
}
