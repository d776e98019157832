import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer as createHttpServer} from 'node:http'
import type {IncomingMessage, RequestListener, Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {connect} from 'node:net'
import type {AddressInfo, Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface SelfSigned {
  dir: string
  certFile: string
  cert: string
  key: string
  cleanup(): void
}

/** A throwaway self-signed certificate made with the system openssl (EC keys: fast to generate). */
export function selfSigned(subjectAltName: string): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'bb-http-tls-'))
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=bb-integrate test', '-addext', `subjectAltName=${subjectAltName}`,
  ], {stdio: 'ignore'})
  return {dir, certFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

export interface Running {
  server: Server
  origin: string
  port: number
  close(): Promise<void>
}

async function listen(server: Server, scheme: 'http' | 'https'): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    server,
    port,
    origin: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

export function startHttps(tls: {cert: string; key: string}, handler: RequestListener): Promise<Running> {
  return listen(createHttpsServer({cert: tls.cert, key: tls.key}, handler), 'https')
}

export function startHttp(handler: RequestListener): Promise<Running> {
  return listen(createHttpServer(handler), 'http')
}

export interface Proxy extends Running {
  /** CONNECT targets seen, e.g. "127.0.0.1:4433". */
  tunnels: string[]
}

/** A minimal forward proxy that only tunnels (CONNECT), like most corporate HTTPS proxies. */
export async function startConnectProxy(options: {refuseWith?: number} = {}): Promise<Proxy> {
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  const server = createHttpServer((_req, res) => {
    res.writeHead(405).end()
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    tunnels.push(target)
    if (options.refuseWith !== undefined) {
      client.end(`HTTP/1.1 ${options.refuseWith} Refused\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    const [host, port] = target.split(':')
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => s.destroy())
      s.on('close', () => sockets.delete(s))
    }
  })
  const running = await listen(server, 'http')
  return {
    ...running,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy()
      await running.close()
    },
  }
}
