/**
 * The slices of Data Center REST JSON the mapping reads (components.schemas in the DC 9.4 spec, plus
 * fields real servers send that the spec leaves out, such as `id` on webhooks and PR `properties`).
 */
export interface DcPaged<T> {
  values?: T[]
  size?: number
  limit?: number
  start?: number
  isLastPage?: boolean
  nextPageStart?: number | null
}

export interface DcUser {
  name?: string
  slug?: string
  displayName?: string
  emailAddress?: string
  id?: number
  type?: string
}

export interface DcLink {
  href?: string
  name?: string
}

export interface DcProject {
  key?: string
  name?: string
}

export interface DcRepository {
  slug?: string
  name?: string
  public?: boolean
  project?: DcProject
  /** Write-only in the spec; some servers return it. */
  defaultBranch?: string
  links?: {self?: DcLink[]}
}

export interface DcParticipant {
  user?: DcUser
  role?: 'AUTHOR' | 'REVIEWER' | 'PARTICIPANT'
  approved?: boolean
  status?: 'UNAPPROVED' | 'NEEDS_WORK' | 'APPROVED'
}

export interface DcRef {
  id?: string
  displayId?: string
  latestCommit?: string
}

export interface DcPullRequest {
  id?: number
  title?: string
  state?: 'OPEN' | 'MERGED' | 'DECLINED' | string
  author?: DcParticipant
  fromRef?: DcRef
  toRef?: DcRef
  createdDate?: number
  updatedDate?: number
  closedDate?: number | null
  reviewers?: DcParticipant[]
  participants?: DcParticipant[]
  properties?: {commentCount?: number; mergeCommit?: {id?: string; displayId?: string}}
}

export interface DcActivity {
  id?: number
  action?: string
  createdDate?: number
  user?: DcUser
}

export interface DcCommit {
  id?: string
  message?: string
  author?: DcUser
  authorTimestamp?: number
  parents?: Array<{id?: string}>
}

export interface DcPath {
  components?: string[]
  parent?: string
  name?: string
  // DC also sends `toString` (the whole path as a string); it is read by name in map.ts because the
  // key would clash with Object.prototype.toString in a TypeScript type.
}

export interface DcChange {
  path?: DcPath
  srcPath?: DcPath | null
  type?: 'ADD' | 'COPY' | 'DELETE' | 'MODIFY' | 'MOVE' | 'UNKNOWN' | string
  nodeType?: 'DIRECTORY' | 'FILE' | 'SUBMODULE' | string
}

export interface DcBranch {
  id?: string
  displayId?: string
  latestCommit?: string
}

export interface DcWebhook {
  id?: number | string
  name?: string
  url?: string
  events?: string[]
  active?: boolean
  configuration?: Record<string, unknown> | null
}
