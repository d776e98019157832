/**
 * A hand-written repository for the `git-adversarial` dataset: every case where a git history and
 * Bitbucket's REST view of it could drift apart, in one deterministic history. Merges (one whose
 * first parent is the feature tip, not the branch's older head), a pure rename, a rename with edits,
 * a copy, a mode-only change, a symbolic link, binary files added, modified and deleted, unicode
 * paths (NFC and NFD forms of the same name, CJK, emoji), odd paths (spaces, quotes, a backslash, a
 * leading dash, `#`, `%`, `?`, a tab and a newline in a name), a commit with an empty message, a
 * message without a trailing newline, a commit that changes no file, one with CRLF line ends, authors in other time zones (+0530,
 * -0800, +1245), an author no account is linked to,
 * and a commit of 6,200 files. File contents are exact bytes; the file lists REST serves are the
 * ones git computes from the very same objects (see git-objects.ts).
 */
import type {RepoContext} from './generate-repo.js'
import {attachScript} from './git-objects.js'
import type {FileMode, ScriptedWrite} from './git-objects.js'
import {iso, wholeSeconds} from './time.js'
import type {WBranch, WCommit, WRepoDetail, WUser} from './types.js'

/** Files in the bulk commit: above Cloud's 5,000-entry diffstat page. */
export const BULK_FILES = 6200

function text(tag: string, lines: number, edits: ReadonlyMap<number, string> = new Map()): Buffer {
  let out = ''
  for (let i = 0; i < lines; i++) out += edits.get(i) ?? `${tag} line ${i + 1}\n`
  return Buffer.from(out)
}

/** Bytes with NULs in them: git (and Bitbucket) treat the file as binary. */
function binary(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let i = 0; i < size; i++) out[i] = (i * 37 + seed * 101) % 256
  return out
}

interface Step {
  id: string
  parents: string[]
  message: string
  by: number | 'unlinked'
  /** The author's UTC offset, when not UTC. */
  tz?: string
  writes: Array<[string, Buffer | null, FileMode?]>
}

const APP = text('app.ts', 40)
const APP_EDITED = text('app.ts', 42, new Map([[4, 'app.ts line 5, edited\n'], [19, 'app.ts line 20, edited\n']]))
const APP_TOPIC = text('app.ts', 42, new Map([[4, 'app.ts line 5, edited\n'], [19, 'app.ts line 20, edited\n'], [30, 'app.ts line 31, on a topic\n']]))
const NOTES = text('notes', 12)
const README = text('readme', 10)
const RUN = Buffer.from('#!/bin/sh\nexec node "$@"\n')

/** NFC "café" (é = U+00E9) and NFD "café" (e + U+0301): two different names to git and to JSON. */
const CAFE_NFC = 'caf\u00e9'
const CAFE_NFD = 'cafe\u0301'

export const ODD_PATHS = [
  'odd/with space.txt',
  'odd/"quoted".txt',
  'odd/back\\slash.txt',
  'odd/-leading-dash.txt',
  '-n',
  'odd/#hash.txt',
  'odd/100%.txt',
  'odd/50%20off.txt',
  'odd/?query&x=1.txt',
  'odd/tab\there.txt',
  'odd/new\nline.txt',
  '\tstarts-with-tab.txt',
] as const

export const UNICODE_PATHS = [`unicode/${CAFE_NFC}.txt`, `unicode/${CAFE_NFD}.txt`, 'unicode/日本語/ファイル.md', 'unicode/emoji-🎉.txt'] as const

function steps(main: string): {steps: Step[]; branches: Array<[string, string]>} {
  const bulk: Step['writes'] = []
  for (let i = 0; i < BULK_FILES; i++) {
    const name = `bulk/d${String(Math.floor(i / 100)).padStart(2, '0')}/f${String(i).padStart(4, '0')}.txt`
    bulk.push([name, Buffer.from(`bulk file ${i}\n`)])
  }
  const list: Step[] = [
    {id: 'root', parents: [], by: 0, message: 'Initial import\n', writes: [
      ['README.md', README], ['src/app.ts', APP], ['docs/notes.txt', NOTES], ['assets/logo.png', binary(1, 300)], ['bin/run.sh', RUN],
    ]},
    {id: 'rename', parents: ['root'], by: 1, message: 'Rename app.ts, copy the notes\n', writes: [
      ['src/app.ts', null], ['src/main.ts', APP], ['docs/notes-copy.txt', NOTES],
    ]},
    {id: 'mode', parents: ['rename'], by: 1, tz: '+0530', message: 'Make run.sh executable\n', writes: [['bin/run.sh', RUN, '100755']]},
    {id: 'edit-rename', parents: ['mode'], by: 2, message: 'Ünïcode ✓ — 日本語 🎉: move main.ts to lib/ and edit it\n\nAlso a new logo and a link.\n', writes: [
      ['src/main.ts', null], ['lib/main.ts', APP_EDITED], ['assets/logo.png', binary(2, 320)], ['link-to-readme', Buffer.from('README.md'), '120000'],
    ]},
    {id: 'unicode', parents: ['edit-rename'], by: 3, tz: '-0800', message: 'Add unicode paths', writes: UNICODE_PATHS.map((p, i) => [p, Buffer.from(`unicode ${i}\n`)])},
    {id: 'odd', parents: ['unicode'], by: 'unlinked', message: 'Odd paths\r\n\r\nWith CRLF line ends.\r\n', writes: ODD_PATHS.map((p, i) => [p, Buffer.from(`odd path ${i}\n`)])},
    {id: 'feature-1', parents: ['odd'], by: 2, tz: '+1245', message: 'EDGE-12 feature work (#3)\n', writes: [
      ['docs/notes.txt', text('notes', 13, new Map([[0, 'notes, rewritten first line\n']]))], ['feature/a.txt', text('feature a', 5)],
    ]},
    {id: 'feature-2', parents: ['feature-1'], by: 'unlinked', message: 'Drop the hash file, add a blob\n', writes: [
      ['odd/#hash.txt', null], ['feature/blob.bin', binary(3, 200)],
    ]},
    {id: 'empty-message', parents: ['odd'], by: 0, message: '', writes: [['README.md', text('readme', 11)]]},
    {id: 'drop-logo', parents: ['empty-message'], by: 0, message: 'Remove the binary logo\n', writes: [['assets/logo.png', null]]},
    // The default branch moves to a merge whose first parent is the feature tip (a merge made on the
    // feature branch, then fast-forwarded): its files are the default branch's changes.
    {id: 'merge-feature-first', parents: ['feature-2', 'drop-logo'], by: 2, message: `Merge branch '${main}' into feature/edge\n`, writes: [
      ['README.md', text('readme', 11)], ['assets/logo.png', null],
    ]},
    {id: 'bulk', parents: ['merge-feature-first'], by: 3, message: `Vendor ${BULK_FILES} files\n`, writes: bulk},
    {id: 'topic', parents: ['bulk'], by: 1, message: 'Topic edit of lib/main.ts\n', writes: [['lib/main.ts', APP_TOPIC]]},
    {id: 'main-after-bulk', parents: ['bulk'], by: 0, message: 'README on the default branch\n', writes: [['README.md', text('readme', 12)]]},
    {id: 'empty-commit', parents: ['main-after-bulk'], by: 0, message: 'An empty commit: no files at all\n', writes: []},
    {id: 'merge-topic', parents: ['empty-commit', 'topic'], by: 0, message: 'Merge topic\n', writes: [['lib/main.ts', APP_TOPIC]]},
  ]
  return {steps: list, branches: [[main, 'merge-topic'], ['feature/edge', 'feature-2'], ['release/1.0', 'edit-rename']]}
}

export function generateScriptedRepo(ctx: RepoContext): WRepoDetail {
  const repo = {...ctx.repo}
  const main = repo.defaultBranch ?? 'main'
  const {steps: list, branches} = steps(main)
  const start = wholeSeconds(Date.parse(repo.createdAt)) + 60_000
  const placeholder = (id: string): string => Buffer.from(id.padEnd(20, '.')).toString('hex').slice(0, 40)
  const who = (by: Step['by']): Pick<WCommit, 'authorName' | 'authorEmail' | 'author'> => {
    if (by === 'unlinked') return {authorName: 'Zoë Ünlinked', authorEmail: 'zoe@unlinked.example', author: null}
    const u = ctx.team[by % ctx.team.length] as WUser
    return {authorName: u.displayName, authorEmail: u.email, author: u.uuid}
  }
  const writes = new Map<string, ScriptedWrite[]>()
  const commits: WCommit[] = list.map((s, i) => {
    const hash = placeholder(s.id)
    writes.set(hash, s.writes.map(([path, content, mode]) => ({path, content, ...(mode ? {mode} : {})})))
    return {hash, parents: s.parents.map(placeholder), ...who(s.by), date: iso(start + i * 60_000), ...(s.tz ? {tz: s.tz} : {}), message: s.message, files: []}
  })
  const wb: WBranch[] = branches.map(([name, id]) => ({name, head: placeholder(id)}))
  const detail: WRepoDetail = {repo, branches: wb, commits: commits.reverse(), pullRequests: []}
  attachScript(detail, writes)
  return detail
}
