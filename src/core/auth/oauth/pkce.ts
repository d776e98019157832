import {createHash, randomBytes} from 'node:crypto'

/** 256 bits of randomness, base64url: unguessable `state` (CSRF) and PKCE verifier. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export interface Pkce {
  verifier: string
  challenge: string
  method: 'S256'
}

/** RFC 7636 S256: challenge = base64url(sha256(verifier)); the verifier is 43 chars of base64url. */
export function createPkce(): Pkce {
  const verifier = randomToken(32)
  return {verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), method: 'S256'}
}
