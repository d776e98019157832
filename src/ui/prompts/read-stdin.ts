/** Reads a secret piped on stdin (`--token-stdin`): never from argv, where `ps` and shell history see it. */
export async function readSecretFromStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '').trim()
}
