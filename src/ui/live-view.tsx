import {render} from 'ink'
import React from 'react'

import {ColorProvider} from './styled.js'

export interface LiveViewOptions {
  onQuit: () => void
  /** The terminal the view draws on (the command's stderr) and reads its keys from. */
  stdout: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  now?: () => number
  /** Colour and text styles (default on): off for `--no-color`, `NO_COLOR`, CI (src/ui/color.ts). */
  color?: boolean
}

export interface LiveViewHandle<E> {
  sink: (event: E) => void
  /** Draw the final frame and release the terminal. */
  finish(): Promise<void>
}

/** What a live view draws: its state, how an event changes it, and the component that shows it. */
export interface LiveViewSpec<S extends {now: number}, E> {
  initial(now: number): S
  apply(state: S, event: E, now: number): unknown
  View: React.ComponentType<{state: S; rows: number; columns: number | undefined; onQuit: () => void; now: () => number}>
}

/**
 * A live Ink view of a long operation (the sync dashboard, the worker's view) on the command's stderr,
 * so stdout stays clean. Events change the state; the component redraws on its own clock.
 */
export function renderLiveView<S extends {now: number}, E>(spec: LiveViewSpec<S, E>, options: LiveViewOptions): LiveViewHandle<E> {
  const now = options.now ?? Date.now
  const {stdout} = options
  const state = spec.initial(now())
  const rows = (stdout.rows ?? 30) - 1
  const color = options.color ?? true
  // A narrower terminal re-wraps the frame already drawn, and Ink then erases too few lines, leaving
  // pieces of the wide frame behind: clear the screen first (registered before Ink's own handler, which
  // then draws the new layout from the top).
  let width = stdout.columns ?? 0
  const onResize = () => {
    if ((stdout.columns ?? 0) < width) stdout.write('\u001b[2J\u001b[H')
    width = stdout.columns ?? 0
  }
  stdout.on('resize', onResize)
  const {View} = spec
  const view = () => (
    <ColorProvider color={color}>
      <View state={state} rows={rows} columns={stdout.columns} onQuit={options.onQuit} now={now} />
    </ColorProvider>
  )
  const instance = render(view(), {stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false})
  return {
    sink: (event: E) => {
      spec.apply(state, event, now())
    },
    async finish() {
      state.now = now()
      instance.rerender(view())
      instance.unmount()
      await instance.waitUntilExit().catch(() => undefined)
      stdout.off('resize', onResize)
    },
  }
}
