import {render} from 'ink'
import React from 'react'

import type {SyncEvent, SyncEventSink} from '../core/sync/events.js'
import {DashboardView} from './sync-dashboard-view.js'
import {applyEvent, initialState} from './sync-state.js'
import {ColorProvider} from './styled.js'

export interface DashboardOptions {
  onQuit: () => void
  /** The terminal the dashboard draws on (the command's stderr) and reads its keys from. */
  stdout: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  now?: () => number
  /** Colour and text styles (default on): off for `--no-color`, `NO_COLOR`, CI (src/ui/color.ts). */
  color?: boolean
}

export interface DashboardHandle {
  sink: SyncEventSink
  /** Draw the final frame and release the terminal. */
  finish(): Promise<void>
}

/** The live sync dashboard. Renders on stderr so stdout stays clean. */
export function renderSyncDashboard(options: DashboardOptions): DashboardHandle {
  const now = options.now ?? Date.now
  const {stdout} = options
  const state = initialState(now())
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
  const view = () => (
    <ColorProvider color={color}>
      <DashboardView state={state} rows={rows} columns={stdout.columns} onQuit={options.onQuit} now={now} />
    </ColorProvider>
  )
  const instance = render(view(), {
    stdout,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  })
  return {
    sink: (event: SyncEvent) => {
      applyEvent(state, event, now())
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
