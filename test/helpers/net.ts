import {createServer} from 'node:net'

/** A loopback port that was free a moment ago (for servers the code under test must bind itself). */
export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as {port: number}).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Whether nothing listens on this loopback port right now. */
export async function portIsFree(port: number): Promise<boolean> {
  const s = createServer()
  return new Promise((resolve) => {
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}
