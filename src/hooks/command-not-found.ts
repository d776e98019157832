import {Errors, type Hook} from '@oclif/core'

import {ExitCode} from '../core/errors.js'

/**
 * Edit distance counting a swap of two neighbours as one edit (`sycn` → `sync`), for "did you mean":
 * command ids are short, so the quadratic table is nothing.
 */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * An unknown command (or a stray argument after one, which oclif reads as a longer command id) is bad
 * usage: exit 2, named the way the user typed it, with the closest command suggested — and under
 * --json the same error envelope as every other error, on stdout.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.split(':').join(' ')
  const known = options.config.commandIDs.map((id) => id.split(':').join(' ')).sort()
  // The longest known command the typed words start with: "repos list extra" → "repos list".
  const prefix = known.filter((id) => typed.startsWith(id + ' ')).sort((a, b) => b.length - a.length)[0]
  // Closest by edits (a typo), else the one command the typed text begins (`valid` → `validate`).
  const closest = known
    .map((id) => ({id, d: distance(typed, id)}))
    .filter(({id, d}) => d <= Math.max(1, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d)[0]?.id
    ?? (typed.length >= 3 ? known.filter((id) => id.startsWith(typed)).sort((a, b) => a.length - b.length)[0] : undefined)
  const message = prefix
    ? `"${prefix}" takes no argument "${typed.slice(prefix.length + 1)}"`
    : `Unknown command "${typed}"${closest ? ` — did you mean "${closest}"?` : ''}`
  const remedy = prefix
    ? `See \`${options.config.bin} ${prefix} --help\`.`
    : closest
      ? `Run \`${options.config.bin} ${closest} --help\`.`
      : `Commands: ${known.join(', ')}. See \`${options.config.bin} --help\`.`
  if (options.argv?.includes('--json')) {
    process.stdout.write(JSON.stringify({
      error: {name: 'UsageError', code: 'unknown_command', message, remedy, details: null, exitCode: ExitCode.Usage},
    }) + '\n')
    Errors.exit(ExitCode.Usage)
  }
  throw new Errors.CLIError(`${message}${message.endsWith('?') ? '' : '.'} ${remedy}`, {exit: ExitCode.Usage})
}

export default hook
