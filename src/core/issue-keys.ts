/**
 * Issue keys a PR title, a source branch or a commit message refers to: Jira-style `ABC-123` and
 * `#12`. One rule for the whole product — the sync engine and the emulator's `truth()` must agree,
 * so both call this function.
 */
const ISSUE_KEY = /\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b/g

/** Keys in order of first appearance across all texts, each once (a key is counted once per source). */
export function extractIssueKeys(...texts: Array<string | null | undefined>): string[] {
  const seen = new Set<string>()
  for (const text of texts) {
    if (!text) continue
    for (const match of text.matchAll(ISSUE_KEY)) seen.add(match[0])
  }
  return [...seen]
}
