import {createHash, randomBytes} from 'node:crypto'
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

/**
 * What one process knew about a principal's rate-limit budget when it last changed. The rolling
 * window is kept as its per-minute buckets ([bucket start epoch ms, requests]) so the next process
 * can count the same requests out of the window as they age, exactly as this one would have.
 */
export interface BudgetRecord {
  /** Requests spent in the window, per bucket: [bucket start epoch ms, count]. */
  spent: Array<[number, number]>
  /** Requests the window allows (configured or announced by the server), when known. */
  limit: number | null
  /** Requests left as this process last saw them (0 after a 429), when known. */
  remaining: number | null
  /** Epoch ms when the newest spent request leaves the window (the budget is whole again). */
  windowEndsAt: number | null
  /** Epoch ms until which the server refused this principal (429), if it did. */
  throttledUntil: number | null
  /** Epoch ms of this record. */
  at: number
}

/**
 * Where a principal's budget outlives the process. The file ledger serves one machine; a shared
 * ledger (e.g. on the PostgreSQL store) can serve several workers with the same two calls.
 * Keys are `ledgerKey(baseUrl, principal)`: never a secret, never the principal in clear.
 */
export interface BudgetLedger {
  load(principal: string): Promise<BudgetRecord | null>
  record(principal: string, record: BudgetRecord): Promise<void>
}

/** A stable, non-reversible key for one principal of one API host. */
export function ledgerKey(baseUrl: string, principal: string): string {
  let origin = baseUrl
  try {
    origin = new URL(baseUrl).origin.toLowerCase()
  } catch {
    // An unparsable base URL is refused by the client before any budget is kept.
  }
  return createHash('sha256').update(`${origin}\n${principal}`).digest('hex').slice(0, 32)
}

export const BUDGET_FILE = 'budget.json'

interface BudgetFile {
  version: 1
  principals: Record<string, BudgetRecord>
}

/** Records older than this are dropped on write: no window we know of is longer than a day. */
const KEEP_MS = 24 * 3_600_000

/**
 * `budget.json` in the data directory: one record per principal key, written atomically (a
 * temporary file renamed over the old one, mode 0600) so a reader never sees a torn file. Writes of
 * one process are serialised; two processes of one principal overwrite each other's record (the
 * last writer wins), which a shared ledger avoids.
 */
export class FileBudgetLedger implements BudgetLedger {
  private queue: Promise<void> = Promise.resolve()

  constructor(readonly path: string, private readonly now: () => number = Date.now) {}

  static inDir(dir: string, now?: () => number): FileBudgetLedger {
    return new FileBudgetLedger(join(dir, BUDGET_FILE), now)
  }

  async load(principal: string): Promise<BudgetRecord | null> {
    const file = await this.read()
    return file.principals[principal] ?? null
  }

  record(principal: string, record: BudgetRecord): Promise<void> {
    const next = this.queue.then(async () => {
      const file = await this.read()
      const cutoff = this.now() - KEEP_MS
      for (const [key, value] of Object.entries(file.principals)) if (value.at < cutoff) delete file.principals[key]
      file.principals[principal] = record
      await this.write(file)
    })
    // A failed write (read-only data dir) must not stop later ones nor the sync: the budget is advisory.
    this.queue = next.catch(() => undefined)
    return next
  }

  private async read(): Promise<BudgetFile> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch {
      return {version: 1, principals: {}}
    }
    try {
      const parsed = JSON.parse(text) as Partial<BudgetFile> | null
      if (parsed && typeof parsed === 'object' && parsed.principals && typeof parsed.principals === 'object') {
        const principals: Record<string, BudgetRecord> = {}
        for (const [key, value] of Object.entries(parsed.principals)) if (isRecord(value)) principals[key] = value
        return {version: 1, principals}
      }
    } catch {
      // A corrupt budget file is only a lost estimate: start afresh and overwrite it.
    }
    return {version: 1, principals: {}}
  }

  private async write(file: BudgetFile): Promise<void> {
    await mkdir(dirname(this.path), {recursive: true, mode: 0o700})
    const tmp = `${this.path}.${randomBytes(8).toString('hex')}.tmp`
    try {
      await writeFile(tmp, JSON.stringify(file), {mode: 0o600})
      await rename(tmp, this.path)
    } catch (error) {
      await rm(tmp, {force: true})
      throw error
    }
  }
}

/** For tests and one-shot tools: a ledger that lives as long as the object. */
export class MemoryBudgetLedger implements BudgetLedger {
  readonly records = new Map<string, BudgetRecord>()

  async load(principal: string): Promise<BudgetRecord | null> {
    return this.records.get(principal) ?? null
  }

  async record(principal: string, record: BudgetRecord): Promise<void> {
    this.records.set(principal, structuredClone(record))
  }
}

function isRecord(value: unknown): value is BudgetRecord {
  const v = value as BudgetRecord | null
  return typeof v === 'object' && v !== null && Array.isArray(v.spent) && typeof v.at === 'number'
    && v.spent.every((e) => Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'number')
}
