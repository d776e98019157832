/** Where Data Center resources live: every call goes to `/rest/api/latest/...` under the server base. */
import {seg} from '../keys.js'

export const API = '/rest/api/latest'

export function repoPath(project: string, slug: string): string {
  return `${API}/projects/${seg(project)}/repos/${seg(slug)}`
}
