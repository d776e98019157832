/** Proves no secret leaked: every output stream and every file under the config dir, except the opt-in secrets file. */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'

export function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) out.push(...filesUnder(full))
    else out.push(full)
  }
  return out
}

/** Returns the places a secret was found ("stdout of connect", "/tmp/x/config.json"), empty when clean. */
export function findSecrets(secrets: string[], texts: Record<string, string>, dirs: string[], allowed: string[] = []): string[] {
  const leaks: string[] = []
  const haystacks: Array<[string, string]> = Object.entries(texts)
  for (const dir of dirs) for (const file of filesUnder(dir)) if (!allowed.includes(file)) haystacks.push([file, readFileSync(file, 'utf8')])
  for (const [where, text] of haystacks) {
    for (const secret of secrets) {
      if (!secret) continue
      // Also the Basic form (base64 of e-mail:token) and the URL-encoded form.
      const b64 = Buffer.from(secret).toString('base64').slice(0, 16)
      if (text.includes(secret) || text.includes(encodeURIComponent(secret)) || (secret.length > 12 && text.includes(b64))) leaks.push(where)
    }
  }
  return leaks
}
