/**
 * A streamed reader of `git log -z --raw --numstat -M --diff-merges=first-parent` with a fixed
 * format: the output is split on NUL as it arrives and turned into commits with their files, one at
 * a time, so a history of any size never sits in memory whole. `--raw` gives each file's status
 * (added, modified, removed, renamed) and `--numstat` its line counts, in the same order.
 */
import type {Readable} from 'node:stream'

import type {CommitFileStatus} from '../model.js'

/** Header fields, NUL-separated: hash, parents, author name, author e-mail, author time, raw message. */
export const LOG_FORMAT = '%H%x00%P%x00%an%x00%ae%x00%at%x00%B'
export const LOG_ARGS = ['log', '-z', '--raw', '--numstat', '-M', '--diff-merges=first-parent', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`] as const

export interface GitFile {
  path: string
  oldPath: string | null
  status: CommitFileStatus
  /** null for a binary file (git prints "-"). */
  linesAdded: number | null
  linesRemoved: number | null
  /** git printed "-" for the counts: the file is binary. */
  binary: boolean
}

export interface GitCommit {
  hash: string
  parents: string[]
  authorName: string
  authorEmail: string
  /** ISO-8601 UTC with milliseconds. */
  date: string
  message: string
  files: GitFile[]
}

const STATUS: Record<string, CommitFileStatus> = {A: 'added', D: 'removed', M: 'modified', T: 'modified', R: 'renamed', C: 'added'}
const HASH = /^[0-9a-f]{40}$/
/** A --numstat row: added, removed (each "-" for a binary file), then the rest is the path. */
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t([^]*)$/

/** NUL-terminated tokens from a byte stream, decoded as UTF-8 once complete. */
async function* tokens(stream: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let rest: Buffer = Buffer.alloc(0)
  for await (const chunk of stream) {
    let buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    let at = buf.indexOf(0)
    while (at >= 0) {
      yield buf.toString('utf8', 0, at)
      buf = buf.subarray(at + 1)
      at = buf.indexOf(0)
    }
    rest = Buffer.from(buf)
  }
  if (rest.length > 0) yield rest.toString('utf8')
}

/** Parse the log stream into commits, newest first as git prints them. */
export async function* parseLog(stream: Readable | AsyncIterable<Buffer>): AsyncGenerator<GitCommit> {
  const it = tokens(stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  const next = async (): Promise<string | null> => {
    const r = await it.next()
    return r.done ? null : r.value
  }
  let token = await next()
  while (token !== null) {
    // A header: seven fields (the message ends at the record's NUL).
    const hash = token.replace(/^\n/, '')
    if (!HASH.test(hash)) throw new Error(`unexpected git log output near "${hash.slice(0, 40)}"`)
    const parents = (await next()) ?? ''
    const authorName = (await next()) ?? ''
    const authorEmail = (await next()) ?? ''
    const time = (await next()) ?? '0'
    const message = (await next()) ?? ''
    const commit: GitCommit = {
      hash,
      parents: parents === '' ? [] : parents.split(' '),
      authorName,
      authorEmail,
      date: new Date(Number(time) * 1000).toISOString(),
      message,
      files: [],
    }
    const raws: Array<{status: CommitFileStatus; path: string; oldPath: string | null}> = []
    let counted = 0
    token = await next()
    while (token !== null) {
      const t = token.replace(/^\n/, '')
      if (t.startsWith(':')) {
        // ":100644 100644 <old> <new> M" then the path (two paths for a rename or copy).
        const letter = t.slice(t.lastIndexOf(' ') + 1, t.lastIndexOf(' ') + 2)
        const status = STATUS[letter] ?? 'modified'
        const first = (await next()) ?? ''
        if (letter === 'R' || letter === 'C') raws.push({status, oldPath: letter === 'R' ? first : null, path: (await next()) ?? ''})
        else raws.push({status, oldPath: null, path: first})
      } else if (NUMSTAT.test(t)) {
        const [, added = '-', removed = '-', path = ''] = NUMSTAT.exec(t) as RegExpExecArray
        // A rename prints an empty path, then the old and the new path. The path itself may hold
        // tabs (even start with one), so only the two counts are split off.
        if (path === '') {
          await next()
          await next()
        }
        const raw = raws[counted++]
        if (raw) {
          commit.files.push({...raw, linesAdded: added === '-' ? null : Number(added), linesRemoved: removed === '-' ? null : Number(removed), binary: added === '-' || removed === '-'})
        }
      } else if (t === '') {
        // The newline git prints between a header and its file list.
      } else break
      token = await next()
    }
    // Files --numstat did not count (cannot happen with both options): keep them, counts unknown.
    for (const raw of raws.slice(counted)) commit.files.push({...raw, linesAdded: null, linesRemoved: null, binary: false})
    yield commit
  }
}
