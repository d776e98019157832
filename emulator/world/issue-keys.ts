/**
 * The issue-key rule the ground truth applies: Jira-style `ABC-123` and `#12` (stored as "#12").
 * The product's src/core/issue-keys.ts must extract exactly the same keys; a test compares the two
 * over every generated text.
 */
export const ISSUE_KEY_PATTERN = /\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b/g

/** Distinct keys across the texts, in order of first appearance. */
export function extractIssueKeys(...texts: Array<string | null | undefined>): string[] {
  const seen = new Set<string>()
  for (const text of texts) {
    if (!text) continue
    for (const match of text.matchAll(ISSUE_KEY_PATTERN)) seen.add(match[0])
  }
  return [...seen]
}
