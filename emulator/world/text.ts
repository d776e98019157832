/**
 * Titles, branch names, commit messages and comments. Keys (`PLAT-12`, `#7`) appear only where a
 * caller asks for them; the vocabulary has no digits, so nothing else can look like a key.
 */
import type {Rng} from './prng.js'
import {COMMENTS, NOUNS, QUALIFIERS, UNICODE_BITS, VERBS} from './vocabulary.js'

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** "Fix the login flow on mobile", sometimes with an emoji or a non-Latin fragment. */
export function phrase(rng: Rng): string {
  let out = `${capitalize(rng.pick(VERBS))} ${rng.pick(NOUNS)}`
  if (rng.chance(0.35)) out += ` ${rng.pick(QUALIFIERS)}`
  if (rng.chance(0.15)) out = rng.chance(0.5) ? `${rng.pick(UNICODE_BITS)} ${out}` : `${out} (${rng.pick(UNICODE_BITS)})`
  return out
}

/** A Jira-style key from one of the container's projects. */
export function jiraKey(rng: Rng, projects: readonly string[]): string {
  return `${rng.pick(projects)}-${rng.range(1, 999)}`
}

/** Keys a title, branch or message should carry: none, a Jira key, a `#n`, or both. */
export function chooseKeys(rng: Rng, projects: readonly string[], pJira: number, pHash: number): {jira: string | null; hash: string | null} {
  return {
    jira: rng.chance(pJira) ? jiraKey(rng, projects) : null,
    hash: rng.chance(pHash) ? `#${rng.range(1, 400)}` : null,
  }
}

export function prTitle(rng: Rng, keys: {jira: string | null; hash: string | null}): string {
  let title = phrase(rng)
  if (keys.jira) title = rng.chance(0.7) ? `${keys.jira}: ${title}` : `${title} [${keys.jira}]`
  if (keys.hash) title = `${title} (fixes ${keys.hash})`
  return title
}

/** Lowercase, dash-separated, ASCII only: "retry-policy-on-mobile". */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** 1 → "a", 26 → "z", 27 → "aa": letter suffixes, because digits could form issue keys. */
export function letters(n: number): string {
  let out = ''
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(97 + ((k - 1) % 26)) + out
  return out
}

/** `base`, or `base-b`, `base-c`, … the first one not taken. */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  let name = base
  for (let n = 2; taken(name); n++) name = `${base}-${letters(n)}`
  return name
}

/** A source branch; a Jira key in it keeps its case, as people type it. */
export function branchName(rng: Rng, prefix: string, jira: string | null): string {
  const words = slugify(`${rng.pick(VERBS)} ${rng.pick(NOUNS)}`)
  return jira ? `${prefix}/${jira}-${words}` : `${prefix}/${words}`
}

export function commitMessage(rng: Rng, keys: {jira: string | null; hash: string | null}): string {
  let subject = phrase(rng)
  if (keys.jira) subject = rng.chance(0.6) ? `${keys.jira} ${subject}` : `${subject} (${keys.jira})`
  if (keys.hash) subject = `${subject}, refs ${keys.hash}`
  let message = subject
  if (rng.chance(0.3)) message += `\n\n${capitalize(rng.pick(NOUNS))} ${rng.pick(QUALIFIERS)}. ${rng.pick(UNICODE_BITS)}`
  // Git keeps the trailing newline and Bitbucket returns it; the product must store it verbatim.
  if (rng.chance(0.3)) message += '\n'
  return message
}

export function comment(rng: Rng): string {
  return rng.pick(COMMENTS)
}

export function description(rng: Rng): string {
  const lines = [`${phrase(rng)}.`]
  if (rng.chance(0.5)) lines.push(`${capitalize(rng.pick(NOUNS))} ${rng.pick(QUALIFIERS)}.`)
  return lines.join('\n\n')
}

/** Bitbucket's merge-commit message; "#id" in it is a real reference the product must pick up. */
export function mergeMessage(source: string, id: number, title: string, approvers: string[]): string {
  let message = `Merged in ${source} (pull request #${id})\n\n${title}`
  if (approvers.length > 0) message += `\n\n${approvers.map((a) => `Approved-by: ${a}`).join('\n')}`
  return `${message}\n`
}
