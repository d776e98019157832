/**
 * One runner for long operations (sync, the webhook listener, workers): it owns the signals and the
 * renderer so every long command stops the same way and ends with the same summary.
 *
 * - Signals: the first SIGINT/SIGTERM aborts the operation's signal (finish what is in flight, keep what
 *   is committed); a second one leaves at once with exit code 4.
 * - Renderer: NDJSON on stdout with --json, the Ink view on an interactive terminal, plain lines on
 *   stderr otherwise. Every renderer receives every event, the summary included.
 */
import type {CommandContext} from './context.js'
import {ExitCode} from './core/errors.js'

export interface Renderer<E> {
  sink: (event: E) => void
  /** Draw the last frame and release the terminal. */
  finish(): Promise<void>
}

export interface RendererChoice<E> {
  ndjson(): Renderer<E> | Promise<Renderer<E>>
  /** The live view; `onQuit` is the view's own stop key. Omitted: plain lines on a terminal too. */
  live?(onQuit: () => void): Renderer<E> | Promise<Renderer<E>>
  plain(): Renderer<E> | Promise<Renderer<E>>
}

/** What the runner uses of the command context: the terminal and the signals. */
export type RunnerContext = Pick<CommandContext, 'io' | 'signals'>

export interface LongOperation<E, T> {
  ctx: RunnerContext
  json: boolean
  renderers: RendererChoice<E>
  run(input: {signal: AbortSignal; emit: (event: E) => void}): Promise<T>
}

export interface LongOperationResult<T> {
  value: T
  /** How many stop signals arrived (0 when it ended on its own). */
  interrupts: number
}

/** Choose the renderer the way every long command does. */
export async function chooseRenderer<E>(ctx: RunnerContext, json: boolean, renderers: RendererChoice<E>, onQuit: () => void): Promise<Renderer<E>> {
  if (json) return renderers.ndjson()
  if (ctx.io.interactive && renderers.live) {
    try {
      return await renderers.live(onQuit)
    } catch {
      // No usable terminal for the live view: the plain lines still tell the whole story.
    }
  }
  return renderers.plain()
}

export async function runLongOperation<E, T>(op: LongOperation<E, T>): Promise<LongOperationResult<T>> {
  const controller = new AbortController()
  let interrupts = 0
  const stopListening = op.ctx.signals.onInterrupt(() => {
    if (++interrupts > 1) op.ctx.signals.exitNow(ExitCode.Interrupted)
    controller.abort()
  })
  let renderer: Renderer<E> | null = null
  try {
    renderer = await chooseRenderer(op.ctx, op.json, op.renderers, () => controller.abort())
    const emit = renderer.sink
    const value = await op.run({signal: controller.signal, emit})
    return {value, interrupts}
  } finally {
    await renderer?.finish()
    stopListening()
  }
}
