/**
 * A repository's clone URL from the API's `links.clone`: the `https` entry on Cloud, the `http` entry
 * (http or https scheme) on Data Center. One REST request, made only before a first clone.
 */
import type {HttpClient} from '../http/types.js'
import type {ProviderKind} from '../model.js'

interface CloneLink {
  name?: string
  href?: string
}

export async function fetchCloneUrl(client: HttpClient, provider: ProviderKind, repo: string, signal?: AbortSignal): Promise<string | null> {
  const [owner = '', slug = ''] = repo.split('/')
  const seg = encodeURIComponent
  const path = provider === 'cloud'
    ? `/repositories/${seg(owner)}/${seg(slug)}`
    : `/rest/api/latest/projects/${seg(owner)}/repos/${seg(slug)}`
  const query = provider === 'cloud' ? {fields: 'links.clone'} : {}
  const res = await client.request<{links?: {clone?: CloneLink[]}}>(path, {query, signal})
  const links = res.body?.links?.clone ?? []
  const wanted = provider === 'cloud' ? ['https'] : ['http', 'https']
  return links.find((l) => l.href && wanted.includes(l.name ?? ''))?.href ?? null
}
