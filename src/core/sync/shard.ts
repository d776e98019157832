import {createHash} from 'node:crypto'

import type {Shard} from './options.js'

/**
 * Which shard owns a repository: a stable hash of "connection/repoKey", so every machine agrees
 * without talking to the others and a repo stays on its shard as the list grows.
 */
export function shardOf(connection: string, repoKey: string, count: number): number {
  const digest = createHash('sha256').update(`${connection}\n${repoKey}`).digest()
  return (digest.readUInt32BE(0) % count) + 1
}

export function inShard(connection: string, repoKey: string, shard: Shard | null | undefined): boolean {
  return !shard || shardOf(connection, repoKey, shard.count) === shard.index
}
