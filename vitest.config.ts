import {configDefaults, defineConfig} from 'vitest/config'

/**
 * Tests that need a system package beyond Node and git (PostgreSQL, tmux, Chromium, the keychain under
 * D-Bus) or spawn the built CLI many times. `npm run test:fast` (BB_TEST_TIER=fast) leaves them out: no
 * root, no apt, a few minutes. `npm test` runs everything.
 */
const SYSTEM_TESTS = [
  'test/e2e/**',
  'test/core/workers/**',
  'test/core/store/postgres.test.ts',
  'test/core/http/ledger-postgres.test.ts',
  'test/commands/connect/wizard-tty.test.ts',
  'test/ui/picker/tmux.test.ts',
  'test/ui/picker/no-color.test.ts',
]

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: process.env.BB_TEST_TIER === 'fast' ? [...configDefaults.exclude, ...SYSTEM_TESTS] : configDefaults.exclude,
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {FORCE_HYPERLINK: '0', BB_INTEGRATE_NO_UPDATE_NOTIFIER: '1', BB_INTEGRATE_COMMITS_FROM: 'rest'},
  },
})
