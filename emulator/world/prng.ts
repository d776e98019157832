/**
 * Deterministic randomness. Every entity draws from a generator seeded by hashing (world seed, a
 * purpose, indexes), so any repository can be regenerated alone, in any order, byte-identically.
 */

/** FNV-1a over the parts, finished with murmur3's avalanche so near-equal inputs diverge. */
export function subSeed(seed: number, ...parts: Array<string | number>): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  const text = parts.join('\u0000')
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

const HEX: readonly string[] = Array.from({length: 256}, (_, i) => i.toString(16).padStart(2, '0'))

/** mulberry32: tiny, fast, good enough for test data (not for cryptography). */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [min, max] (inclusive). */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(items.length)] as T
  }

  /** Up to `n` distinct items, in a random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items]
    const out: T[] = []
    while (out.length < n && copy.length > 0) out.push(copy.splice(this.int(copy.length), 1)[0] as T)
    return out
  }

  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, w] of entries) total += w
    let x = this.next() * total
    for (const [value, w] of entries) {
      x -= w
      if (x < 0) return value
    }
    return (entries[entries.length - 1] as readonly [T, number])[0]
  }

  /** `chars` lowercase hex characters. */
  hex(chars: number): string {
    let out = ''
    for (let i = 0; i < chars; i += 8) {
      const v = this.u32()
      out += (HEX[v >>> 24] as string) + (HEX[(v >>> 16) & 255] as string) + (HEX[(v >>> 8) & 255] as string) + (HEX[v & 255] as string)
    }
    return out.length === chars ? out : out.slice(0, chars)
  }

  /** A version-4 UUID (RFC 4122 variant bits set), without braces. */
  uuid(): string {
    const h = this.hex(32)
    const variant = '89ab'[this.int(4)] as string
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}

export function rngFor(seed: number, ...parts: Array<string | number>): Rng {
  return new Rng(subSeed(seed, ...parts))
}
