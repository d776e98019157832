import {UsageError} from '../core/errors.js'

/**
 * `--jq EXPR` (as in gh): the `--json` value through jq itself (jq-wasm: the jq C sources compiled to
 * WebAssembly, not a subset). Strings print raw, as `jq -r` and gh do; other values as compact JSON.
 */
const jq = () => import('jq-wasm')

/** Rejects an expression jq cannot compile, before the command does any work (exit 2). */
export async function checkJqExpression(expression: string): Promise<void> {
  try {
    await (await jq()).raw('null', expression, ['-c'])
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // A runtime error on `null` (".[]" cannot iterate it) is fine: only a compile error is bad usage.
    if (/compile error/.test(message)) throw invalid(expression, message)
  }
}

/** The output of `jq -r -c EXPR` on `value`: one line per result, a trailing newline unless empty. */
export async function applyJq(value: unknown, expression: string): Promise<string> {
  return applyJqToText(JSON.stringify(value ?? null), expression)
}

/** The same on JSON text; several values (NDJSON lines) are filtered one by one, as jq reads a stream. */
export async function applyJqToText(text: string, expression: string): Promise<string> {
  let out: string
  try {
    out = await (await jq()).raw(text, expression, ['-r', '-c'])
  } catch (error) {
    throw invalid(expression, error instanceof Error ? error.message : String(error))
  }
  return out === '' || out.endsWith('\n') ? out : out + '\n'
}

function invalid(expression: string, message: string): UsageError {
  const detail = message.split('\n').find((l) => l.startsWith('jq: error')) ?? message.split('\n')[0] ?? message
  return new UsageError(`--jq ${JSON.stringify(expression)} failed: ${detail.replace(/^jq: error:?\s*/, '')}`, {
    code: 'bad_jq',
    remedy: 'Check the expression against the --json output (jq manual: https://jqlang.org/manual/).',
  })
}

/**
 * For NDJSON streams (`sync --json`, `export`): lines go through the filter in order; `flush()` waits
 * for the last one. The first failure is kept and rethrown by `flush()`; later lines are dropped.
 */
export function jqLineWriter(expression: string, write: (text: string) => void): {write: (line: string) => void; flush: () => Promise<void>} {
  let chain = Promise.resolve()
  let failure: unknown = null
  return {
    write: (line) => {
      chain = chain.then(async () => {
        if (failure) return
        try {
          write(await applyJqToText(line, expression))
        } catch (error) {
          failure = error
        }
      })
    },
    flush: async () => {
      await chain
      if (failure) throw failure
    },
  }
}
