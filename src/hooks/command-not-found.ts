import {Errors, type Hook} from '@oclif/core'

import {ExitCode} from '../core/errors.js'

/** Edit distance, for "did you mean": command ids are short, so the quadratic table is nothing. */
function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
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
  const closest = known
    .map((id) => ({id, d: distance(typed, id)}))
    .filter(({id, d}) => d <= Math.max(1, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d)[0]?.id
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
