/** A small least-recently-used cache (Map keeps insertion order; a hit re-inserts). */
export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('LRU capacity must be at least 1')
  }

  get(key: K): V | undefined {
    const value = this.map.get(key)
    if (value === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, value)
    return value
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next()
      if (oldest.done) break
      this.map.delete(oldest.value)
    }
  }

  delete(key: K): void {
    this.map.delete(key)
  }

  has(key: K): boolean {
    return this.map.has(key)
  }

  get size(): number {
    return this.map.size
  }
}
