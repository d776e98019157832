/**
 * People: Cloud uuids in braces, `557058:` account ids, lowercase slugs, DC user names (some with
 * capitals, as DC allows), display names in many scripts.
 */
import {rngFor} from './prng.js'
import type {Rng} from './prng.js'
import type {WUser} from './types.js'
import {FIRST_NAMES, LAST_NAMES, NATIVE_NAMES} from './vocabulary.js'

export const EMAIL_DOMAIN = 'acme.example'

const SPECIAL_LETTERS: Record<string, string> = {ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', ß: 'ss', đ: 'd', Đ: 'd', æ: 'ae', Æ: 'ae'}

/** ASCII, lowercase, dot-separated login from a display name. */
export function personSlug(displayName: string): string {
  return displayName
    .replace(/[łŁøØßđĐæÆ]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
}

function makeUser(rng: Rng, index: number, displayName: string, slug: string): WUser {
  const uuid = rng.uuid()
  // DC user names may carry capitals; the slug is always the lowercase form.
  const name = index % 4 === 1 ? slug.split('.').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('.') : slug
  return {
    uuid: `{${uuid}}`,
    accountId: `557058:${rng.uuid()}`,
    slug,
    name,
    displayName,
    email: `${slug}@${EMAIL_DOMAIN}`,
    numericId: 101 + index,
  }
}

export function generateUsers(seed: number, count: number): WUser[] {
  const rng = rngFor(seed, 'users')
  const pairs: string[] = []
  for (const first of FIRST_NAMES) for (const last of LAST_NAMES) pairs.push(`${first} ${last}`)
  const latin = rng.sample(pairs, count)
  const users: WUser[] = []
  const slugs = new Set<string>()
  let native = 0
  for (let i = 0; i < count; i++) {
    let displayName: string
    let slug: string
    const nativeName = i % 5 === 2 ? NATIVE_NAMES[native] : undefined
    if (nativeName) {
      native++
      ;[displayName, slug] = nativeName
    } else {
      displayName = latin[i] as string
      slug = personSlug(displayName)
    }
    // Two people can share a name; their logins cannot.
    let unique = slug
    for (let n = 2; slugs.has(unique); n++) unique = `${slug}${String.fromCharCode(96 + n)}`
    slugs.add(unique)
    users.push(makeUser(rng, i, displayName, unique))
  }
  return users
}

/** The people who work in one repository: a few from the whole pool. */
export function teamOf(seed: number, users: readonly WUser[], ...where: Array<string | number>): WUser[] {
  const rng = rngFor(seed, 'team', ...where)
  return rng.sample(users, Math.min(users.length, rng.range(3, 8)))
}
