import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {FORCE_HYPERLINK: '0', BB_INTEGRATE_NO_UPDATE_NOTIFIER: '1', BB_INTEGRATE_COMMITS_FROM: 'rest'},
  },
})
