/**
 * Page-size limits shared by the flavours (which enforce them) and `minimumRequests` (which assumes
 * a client that always asks for the largest page). Values from research/bitbucket_api.md §4.
 */

/** Cloud `pagelen` maximum for most collections (workspaces, repositories, branches, commits). */
export const CLOUD_PAGELEN_MAX = 100
/** Cloud `pagelen` default when the client sends none. */
export const CLOUD_PAGELEN_DEFAULT = 10
/** Cloud pull requests and PR activity: `pagelen` above 50 is a 400 "Invalid pagelen". */
export const CLOUD_PR_PAGELEN_MAX = 50
/** Cloud diffstat: default page 500, maximum 5000. */
export const CLOUD_DIFFSTAT_PAGELEN_DEFAULT = 500
export const CLOUD_DIFFSTAT_PAGELEN_MAX = 5000
/** Data Center `limit` maximum (server-configurable in real DC; the emulator clamps to this). */
export const DC_LIMIT_MAX = 1000
