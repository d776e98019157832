/**
 * Read-ahead of one page: while the caller maps and stores page N, the request for page N+1 is
 * already on the wire. Each repository still has at most one request in flight (page N has arrived
 * before N+1 is asked for), so concurrency and rate budgets are unchanged; only the caller's own
 * work stops adding to every page's round trip. Use it only where every page is consumed: a caller
 * that stops early wastes the page read ahead.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]()
  let next = it.next()
  // Handled here so a failure while the caller is busy is not an unhandled rejection; it is still
  // thrown to the caller by the await below.
  next.catch(() => undefined)
  let done = false
  try {
    for (;;) {
      const result = await next
      if (result.done) {
        done = true
        return
      }
      next = it.next()
      next.catch(() => undefined)
      yield result.value
    }
  } finally {
    // The caller stopped (break, throw, abort): let the page in flight settle, then close the source.
    if (!done) void next.then(() => it.return?.(), () => undefined)
  }
}
