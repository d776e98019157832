import {Errors, type Hook} from '@oclif/core'

/**
 * An unknown command (or a stray argument after one, which oclif reads as a longer command id) is bad
 * usage: exit 2, named the way the user typed it, with where to look instead of oclif's "command
 * repos:list:extra not found" and exit 1.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.split(':').join(' ')
  const known = options.config.commandIDs.map((id) => id.split(':').join(' ')).sort()
  // The longest known command the typed words start with: "repos list extra" → "repos list".
  const prefix = known.filter((id) => typed.startsWith(id + ' ')).sort((a, b) => b.length - a.length)[0]
  const message = prefix
    ? `"${prefix}" takes no argument "${typed.slice(prefix.length + 1)}"`
    : `Unknown command "${typed}"`
  const hint = prefix ? `See \`${options.config.bin} ${prefix} --help\`.` : `Commands: ${known.join(', ')}. See \`${options.config.bin} --help\`.`
  throw new Errors.CLIError(`${message}. ${hint}`, {exit: 2})
}

export default hook
