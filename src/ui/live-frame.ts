import {useInput, useStdout} from 'ink'
import {useEffect, useState} from 'react'

/** What a live view's state shares: the clock it is drawn at and whether the user asked to stop. */
export interface LiveFrameState {
  now: number
  stopping: boolean
}

export interface LiveFrameOptions {
  rows: number
  /** Terminal width when the output stream does not say (default 100). */
  columns?: number
  onQuit: () => void
  /** Redraw interval; countdowns and elapsed times need a clock even without events. */
  tickMs?: number
  now?: () => number
}

/**
 * The frame of a live view: redraw on a clock, read the terminal's size at every frame (a resized
 * terminal gets a new layout at once), and stop on `q` or Ctrl-C. Returns the size to lay out for.
 */
export function useLiveFrame(state: LiveFrameState, {rows: initialRows, columns: initialColumns = 100, onQuit, tickMs = 250, now = Date.now}: LiveFrameOptions): {rows: number; columns: number} {
  const [, setTick] = useState(0)
  const {stdout} = useStdout()
  const columns = stdout.columns ?? initialColumns
  const rows = stdout.rows ? stdout.rows - 1 : initialRows
  useEffect(() => {
    const t = setInterval(() => {
      state.now = now()
      setTick((n) => n + 1)
    }, tickMs)
    return () => clearInterval(t)
  }, [state, tickMs, now])
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      state.stopping = true
      onQuit()
    }
  })
  return {rows, columns}
}
