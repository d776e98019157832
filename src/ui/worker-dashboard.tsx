import {render} from 'ink'
import React from 'react'

import type {WorkerEvent} from '../core/workers/worker.js'
import {ColorProvider} from './styled.js'
import {WorkerDashboardView} from './worker-dashboard-view.js'
import {applyWorkerEvent, initialWorkerState} from './worker-state.js'

export interface WorkerDashboardOptions {
  onQuit: () => void
  /** The terminal the view draws on (the command's stderr) and reads its keys from. */
  stdout: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
  now?: () => number
  /** Colour and text styles (default on): off for `--no-color`, `NO_COLOR`, CI (src/ui/color.ts). */
  color?: boolean
}

export interface WorkerDashboardHandle {
  sink: (event: WorkerEvent) => void
  /** Draw the final frame and release the terminal. */
  finish(): Promise<void>
}

/** The worker's live view on a terminal. Renders on stderr so stdout stays clean. */
export function renderWorkerDashboard(options: WorkerDashboardOptions): WorkerDashboardHandle {
  const now = options.now ?? Date.now
  const {stdout} = options
  const state = initialWorkerState(now())
  const rows = (stdout.rows ?? 30) - 1
  const color = options.color ?? true
  // As in the sync view: a narrower terminal re-wraps the old frame, so the screen is cleared first.
  let width = stdout.columns ?? 0
  const onResize = () => {
    if ((stdout.columns ?? 0) < width) stdout.write('\u001b[2J\u001b[H')
    width = stdout.columns ?? 0
  }
  stdout.on('resize', onResize)
  const view = () => (
    <ColorProvider color={color}>
      <WorkerDashboardView state={state} rows={rows} columns={stdout.columns} onQuit={options.onQuit} now={now} />
    </ColorProvider>
  )
  const instance = render(view(), {
    stdout,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  })
  return {
    sink: (event: WorkerEvent) => {
      applyWorkerEvent(state, event, now())
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
