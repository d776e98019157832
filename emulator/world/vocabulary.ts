/**
 * Word lists for generated names and text. Rule that keeps the issue-key truth honest: nothing here
 * contains a digit or '#', so no generated text can match `ABC-123` or `#12` unless a key was put
 * there on purpose.
 */

export const FIRST_NAMES = [
  'José', 'Zoë', 'Łukasz', 'Amélie', 'Søren', 'Ngọc', 'Priya', 'Olusegun', 'Mei', 'Hiroshi', 'Fatima',
  'Björn', 'Chloé', 'Diego', 'Ewa', 'Giulia', 'Hana', 'Ines', 'Jonas', 'Kwame', 'Lea', 'Mateo', 'Nadia',
  'Omar', 'Pablo', 'Renée', 'Sven', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yara',
] as const

export const LAST_NAMES = [
  'Álvarez', 'Brontë', 'Żółkiewski', 'Dubois', 'Kierkegaard', 'Trần', 'Sharma', 'Adeyemi', 'Chen', 'Tanaka',
  'Haddad', 'Lindström', 'Moreau', 'García', 'Nowak', 'Rossi', 'Kim', 'Ferreira', 'Müller', 'Mensah',
  'Schmidt', 'Romero', 'Petrova', 'Khalil', 'Ortega', 'Lefèvre', 'Olsen', 'Navarro', 'Iyer', 'Horváth',
] as const

/** Display names written in their own script; ASCII slugs are given explicitly. */
export const NATIVE_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['王芳', 'wang.fang'],
  ['田中 太郎', 'tanaka.taro'],
  ['김민준', 'kim.minjun'],
  ['Άννα Παπαδοπούλου', 'anna.papadopoulou'],
  ['Дмитрий Иванов', 'dmitry.ivanov'],
]

export const BOTS: ReadonlyArray<readonly [string, string]> = [
  ['ci-bot', 'ci-bot@build.invalid'],
  ['Renovate Bot', 'bot@renovateapp.invalid'],
  ['deploy', 'deploy@jenkins.internal.invalid'],
]

export const VERBS = [
  'add', 'fix', 'update', 'remove', 'refactor', 'improve', 'handle', 'support', 'rename', 'simplify',
  'document', 'cache', 'validate', 'retry', 'speed up', 'clean up', 'extract', 'harden', 'log', 'test',
] as const

export const NOUNS = [
  'login flow', 'webhook sender', 'pagination', 'config loader', 'session timeout', 'billing export',
  'invoice totals', 'search index', 'schema migration', 'error messages', 'upload form', 'job queue',
  'scheduler', 'report builder', 'date parsing', 'rate limiter', 'feature flags', 'user settings',
  'dashboard layout', 'locale fallback', 'password reset', 'audit trail', 'cache keys', 'health check',
  'retry policy', 'csv importer', 'email templates', 'dark mode', 'permissions check', 'release notes',
] as const

export const QUALIFIERS = [
  'for empty repositories', 'on slow networks', 'when the token expires', 'in the admin view',
  'for large accounts', 'behind the proxy', 'after a restart', 'on mobile', 'for guests', 'in dry runs',
] as const

/** Non-ASCII fragments for titles, messages and comments (emoji, CJK, accents, other scripts). */
export const UNICODE_BITS = [
  '✨', '🐛', '🚀', '♻️', '🔥', '✅', '修复登录问题', '更新文档', '日本語の説明を追加', 'café', 'naïve', 'résumé',
  'Übersicht', 'señal', 'Ελληνικά', 'привет', 'façade', 'crème brûlée', '👩‍💻', 'ümlaut',
] as const

export const COMMENTS = [
  'Looks good to me.', 'Could we add a test for this?', 'Nit: naming.', 'Why not reuse the existing helper?',
  'This breaks on an empty list, I think.', 'Nice cleanup 👍', 'Can you split this into two commits?',
  'LGTM 🚀', 'Is the timeout configurable?', 'Merci, c’est très clair.', '好的，谢谢！', 'Let’s ship it.',
  'Please rebase on main.', 'Does this need a migration?', 'Good catch.', 'I would log the error here.',
] as const

export const REPO_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['api-gateway', 'API Gateway'], ['web-app', 'Web App'], ['billing-service', 'Billing Service'],
  ['auth-service', 'Auth Service'], ['mobile-app', 'Mobile App'], ['infra', 'Infra'],
  ['docs-site', '文档站点 Docs'], ['design-system', 'Design System ✨'], ['data-pipeline', 'Données Pipeline'],
  ['search', 'Search'], ['notifications', 'Notifications'], ['payments', 'Payments'],
  ['reporting', 'Reporting'], ['ml-models', 'ML Models'], ['cli-tools', 'CLI Tools'],
  ['analytics', 'Analytics'], ['cafe-orders', 'Café Órders'], ['inventory', 'Inventory'],
  ['shipping', 'Shipping'], ['catalog', 'Catalog'], ['admin-portal', 'Admin Portal'],
  ['sdk-js', 'SDK for JavaScript'], ['sdk-python', 'SDK for Python'], ['terraform-modules', 'Terraform Modules'],
  ['helm-charts', 'Helm Charts'], ['ci-templates', 'CI Templates'], ['etl-jobs', 'ETL Jobs'],
  ['feature-flags', 'Feature Flags'], ['observability', 'Observability'], ['identity', 'Identity'],
]

export const DIRS = [
  'src', 'src/api', 'src/core', 'src/ui', 'lib', 'test', 'docs', 'scripts', 'config', 'web/components',
  'locales', 'migrations',
] as const

export const FILE_STEMS = [
  'index', 'client', 'server', 'config', 'routes', 'handler', 'model', 'schema', 'utils', 'parser', 'cache',
  'queue', 'worker', 'session', 'auth', 'billing', 'invoice', 'search', 'report', 'layout', 'button',
  'modal', 'readme', 'guide', 'changelog', 'résumé', '日本語', 'café',
] as const

export const EXTENSIONS = ['ts', 'js', 'py', 'go', 'md', 'json', 'yml', 'sql', 'css'] as const

export const BRANCH_PREFIXES = ['feature', 'bugfix', 'chore', 'hotfix'] as const

/** Jira project keys per container (index modulo the list). */
export const JIRA_PROJECTS: ReadonlyArray<readonly string[]> = [
  ['PLAT', 'CORE'], ['WEB', 'UX'], ['DATA', 'OPS'], ['PAY', 'SEC'], ['MOB', 'QA'], ['INFRA', 'DOC'],
]
