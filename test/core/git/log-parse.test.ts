/**
 * The `git log` reader on real git output: a repository built with `git fast-import` holding names that
 * look like parts of the log format (a name starting with a tab, one with a tab and a newline inside,
 * one that looks like a numstat row, one starting with ":"), a rename with edits, a binary file and an
 * empty message. The output is fed whole and one byte at a time (tokens split across chunks).
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LOG_ARGS, parseLog} from '../../../src/core/git/log.js'
import type {GitCommit} from '../../../src/core/git/log.js'

const ENV = {...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null'}
const NAMES = ['\tleading-tab.txt', 'a\tb\nc.txt', '1\t2\tlooks-like-numstat', ':100644 looks-raw', 'plain.txt']
const LINES = Array.from({length: 20}, (_, i) => `line ${i}\n`).join('')

function quote(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}

function data(body: Buffer | string): Buffer {
  const bytes = Buffer.from(body)
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')])
}

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

async function parse(buf: Buffer, size: number): Promise<GitCommit[]> {
  const out: GitCommit[] = []
  for await (const c of parseLog(chunks(buf, size))) out.push(c)
  return out
}

describe('parseLog on real git output', () => {
  let dir: string
  let output: Buffer

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bb-log-parse-'))
    const repo = join(dir, 'r.git')
    execFileSync('git', ['init', '--quiet', '--bare', repo], {env: ENV})
    const who = 'author Zoë <z@example.com> 1700000000 +0530\ncommitter Zoë <z@example.com> 1700000000 +0530\n'
    const parts: Buffer[] = [
      Buffer.from(`commit refs/heads/main\nmark :1\n${who}`), data('first\n'),
      ...NAMES.flatMap((n, i) => [Buffer.from(`M 100644 inline ${quote(n)}\n`), data(`file ${i}\n`)]),
      Buffer.from('M 100644 inline src/app.ts\n'), data(LINES),
      Buffer.from('M 100644 inline logo.png\n'), data(Buffer.from([0, 1, 2, 3, 0, 255])),
      Buffer.from(`commit refs/heads/main\nmark :2\n${who.replace(/1700000000/g, '1700000060')}`), data(''),
      Buffer.from('from :1\nD src/app.ts\nM 100644 inline lib/app.ts\n'), data(LINES.replace('line 3\n', 'line three\n')),
      Buffer.from('M 100644 inline logo.png\n'), data(Buffer.from([0, 9, 9, 9])),
      Buffer.from(`D ${quote(NAMES[0] as string)}\n`),
    ]
    execFileSync('git', ['--git-dir', repo, 'fast-import', '--quiet'], {input: Buffer.concat(parts), env: ENV})
    output = execFileSync('git', ['--git-dir', repo, ...LOG_ARGS, 'main'], {env: ENV})
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('reads every commit, file, status and count, however the output is split', async () => {
    const whole = await parse(output, output.length)
    expect(await parse(output, 1)).toEqual(whole)
    expect(await parse(output, 7)).toEqual(whole)
    const [second, first] = whole as [GitCommit, GitCommit]
    expect(whole).toHaveLength(2)
    expect(first.message).toBe('first\n')
    expect(first.date).toBe('2023-11-14T22:13:20.000Z')
    expect(first.authorName).toBe('Zoë')
    expect(first.files.map((f) => f.path).sort()).toEqual([...NAMES, 'logo.png', 'src/app.ts'].sort())
    for (const f of first.files) {
      if (f.path === 'logo.png') expect(f).toMatchObject({status: 'added', binary: true, linesAdded: null})
      else expect(f).toMatchObject({status: 'added', binary: false, linesAdded: f.path === 'src/app.ts' ? 20 : 1, linesRemoved: 0})
    }
    expect(second.message).toBe('')
    expect(second.parents).toEqual([first.hash])
    expect(second.files.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      {path: NAMES[0], oldPath: null, status: 'removed', linesAdded: 0, linesRemoved: 1, binary: false},
      {path: 'lib/app.ts', oldPath: 'src/app.ts', status: 'renamed', linesAdded: 1, linesRemoved: 1, binary: false},
      {path: 'logo.png', oldPath: null, status: 'modified', linesAdded: null, linesRemoved: null, binary: true},
    ])
  })
})
