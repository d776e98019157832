/**
 * Whether human output may carry colour and text styles. One rule for every renderer (the Ink dashboard,
 * the picker, plain lines): off with `--no-color`, with `NO_COLOR` set to anything non-empty
 * (https://no-color.org), with `TERM=dumb`, in CI (`CI` set and not "false") and when the stream is not
 * a terminal. Kept free of Ink and React so the base command can import it at start-up.
 */
export interface ColorInputs {
  env: NodeJS.ProcessEnv
  /** `--no-color` was given. */
  noColorFlag?: boolean
  /** The stream the output goes to is a terminal. */
  isTTY?: boolean
}

export function colorEnabled({env, noColorFlag = false, isTTY = false}: ColorInputs): boolean {
  if (noColorFlag) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') return false
  return isTTY
}

/** `--no-color` among the arguments before `--` (oclif parses it; the base command needs it before). */
export function hasNoColorFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--no-color')
}
