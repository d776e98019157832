import {UsageError} from '../errors.js'

/** "workspace/slug" (Cloud) or "PROJECT/slug" (DC) → its two parts; a usage error otherwise. */
export function splitRepoKey(key: string): {container: string; slug: string} {
  const i = key.indexOf('/')
  if (i <= 0 || i === key.length - 1 || key.indexOf('/', i + 1) !== -1) {
    throw new UsageError(`Not a repository key: "${key}"`, {
      code: 'bad_repo_key',
      remedy: 'Use "workspace/slug" (Cloud) or "PROJECT/slug" (Data Center).',
    })
  }
  return {container: key.slice(0, i), slug: key.slice(i + 1)}
}

/** One path segment, encoded (slugs are URL-safe in practice, user input may not be). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value))
}

/** Record users by id so a page reports each person once. */
export class UserSet<U extends {id: string}> {
  private readonly byId = new Map<string, U>()
  add(user: U | null | undefined): void {
    if (user && !this.byId.has(user.id)) this.byId.set(user.id, user)
  }
  values(): U[] {
    return [...this.byId.values()]
  }
}
