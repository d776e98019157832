/**
 * Partial-response selections (`fields=`, spec narrative "Partial responses"). Selection mode names
 * exactly what the mapping reads, which both shrinks responses and pulls in `participants`, a field
 * the PR collection omits by default. `next` (and `size` where counted) must be named too, or the
 * selection drops the pagination link.
 */
const user = (prefix: string): string[] =>
  ['uuid', 'display_name', 'account_id', 'nickname'].map((f) => `${prefix}.${f}`)

export const REPO_FIELDS = [
  'next',
  ...['full_name', 'name', 'slug', 'is_private', 'created_on', 'updated_on', 'mainbranch.name', 'project.key',
    'workspace.slug', 'links.html.href'].map((f) => `values.${f}`),
].join(',')

export const SINGLE_REPO_FIELDS = REPO_FIELDS.split(',').filter((f) => f !== 'next').map((f) => f.slice('values.'.length)).join(',')

export const PR_FIELDS = [
  'next', 'size',
  ...['id', 'title', 'state', 'source.branch.name', 'destination.branch.name', 'created_on', 'updated_on',
    'merge_commit.hash', 'comment_count', 'participants.role', 'participants.approved',
    'participants.state', 'participants.participated_on'].map((f) => `values.${f}`),
  ...user('values.author'),
  ...user('values.participants.user'),
  // Named explicitly as well: a selection of sub-fields alone may not pull in a field the collection
  // leaves out by default.
  '+values.participants',
].join(',')

/** The same selection for `GET …/pullrequests/{id}` (no `values.` wrapper, no paging link). */
export const SINGLE_PR_FIELDS = PR_FIELDS.split(',').filter((f) => f !== 'next').map((f) => f.replace(/^(\+?)values\./, '$1')).join(',')

export const ACTIVITY_FIELDS = [
  'next',
  'values.approval.date', ...user('values.approval.user'),
  'values.changes_request.date', ...user('values.changes_request.user'),
  'values.changes_requested.date', ...user('values.changes_requested.user'),
  'values.update.date', 'values.update.state', ...user('values.update.author'),
  'values.comment.created_on', ...user('values.comment.user'),
].join(',')

/** The repository-level listing: the same entries, each with the id of its pull request. */
export const REPO_ACTIVITY_FIELDS = `${ACTIVITY_FIELDS},values.pull_request.id`

export const COMMIT_FIELDS = [
  'next', 'values.hash', 'values.date', 'values.message', 'values.author.raw', ...user('values.author.user'),
  'values.parents.hash',
].join(',')

export const DIFFSTAT_FIELDS = [
  'next', 'values.status', 'values.lines_added', 'values.lines_removed', 'values.old.path', 'values.new.path',
].join(',')

export const BRANCH_FIELDS = 'next,values.name,values.target.hash'

export const WORKSPACE_FIELDS = 'next,values.workspace.slug,values.workspace.name'
