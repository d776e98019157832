/**
 * The slices of Cloud 2.0 JSON the mapping reads (components.schemas in the Cloud spec). Every field is
 * optional: partial responses (`fields=`) and older payloads may omit any of them.
 */
export interface CloudPaged<T> {
  values?: T[]
  next?: string | null
  size?: number
  pagelen?: number
}

export interface CloudAccount {
  uuid?: string
  display_name?: string
  account_id?: string
  nickname?: string
  type?: string
}

export interface CloudLink {
  href?: string
}

export interface CloudRepository {
  full_name?: string
  name?: string
  slug?: string
  is_private?: boolean
  created_on?: string
  updated_on?: string
  mainbranch?: {name?: string} | null
  project?: {key?: string} | null
  workspace?: {slug?: string} | null
  links?: {html?: CloudLink}
}

export interface CloudParticipant {
  user?: CloudAccount | null
  role?: 'PARTICIPANT' | 'REVIEWER'
  approved?: boolean
  state?: 'approved' | 'changes_requested' | null
  participated_on?: string | null
}

export interface CloudPullRequest {
  id?: number
  title?: string
  state?: string
  author?: CloudAccount | null
  source?: {branch?: {name?: string} | null} | null
  destination?: {branch?: {name?: string} | null} | null
  created_on?: string
  updated_on?: string
  /** Not in the spec; read if a server sends it. */
  closed_on?: string | null
  merge_commit?: {hash?: string} | null
  comment_count?: number
  participants?: CloudParticipant[]
}

export interface CloudActivity {
  approval?: {date?: string; user?: CloudAccount | null}
  changes_request?: {date?: string; user?: CloudAccount | null}
  /** Alternative spellings of the change-request entry. */
  changes_requested?: {date?: string; user?: CloudAccount | null}
  request_changes?: {date?: string; user?: CloudAccount | null}
  update?: {date?: string; author?: CloudAccount | null; state?: string}
  comment?: {created_on?: string; user?: CloudAccount | null}
}

export interface CloudCommit {
  hash?: string
  date?: string
  message?: string
  author?: {raw?: string; user?: CloudAccount | null} | null
  parents?: Array<{hash?: string}>
}

export interface CloudDiffstat {
  status?: 'added' | 'removed' | 'modified' | 'renamed' | string
  lines_added?: number
  lines_removed?: number
  old?: {path?: string} | null
  new?: {path?: string} | null
}

export interface CloudBranch {
  name?: string
  target?: {hash?: string} | null
}

export interface CloudWebhook {
  uuid?: string
  url?: string
  description?: string
  events?: string[]
  active?: boolean
  secret_set?: boolean
}

export interface CloudWorkspaceAccess {
  workspace?: {slug?: string; name?: string} | null
}
