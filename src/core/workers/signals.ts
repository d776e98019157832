/** Where stop signals come from (the command context's signal hub): calls `handler` until the returned function is called. */
export type InterruptSource = (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void

/**
 * SIGINT / SIGTERM for long-running commands: the first asks for a graceful stop, a second one leaves
 * at once. The config library's atomic-write guard (when-exit) re-raises the first signal to the
 * process right after handling it; that copy arrives within milliseconds and is not a second request.
 */
export function onStopSignals(source: InterruptSource, graceful: () => void, immediate: () => void, echoMs = 250): () => void {
  let first: {signal: string; at: number} | null = null
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    const now = Date.now()
    if (first === null) {
      first = {signal, at: now}
      graceful()
      return
    }
    if (first.signal === signal && now - first.at < echoMs) return
    immediate()
  }
  return source(handler)
}
