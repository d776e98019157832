import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', '.cache/', 'bench/out/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The core knows neither oclif nor Ink: arrows point one way.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          {group: ['@oclif/*', 'ink', 'ink-*', 'react', '@inquirer/*'], message: 'src/core must not depend on oclif, Ink or prompts.'},
          {group: ['**/commands/**', '**/ui/**'], message: 'src/core must not import commands or ui.'},
        ],
      }],
    },
  },
  {
    // Commands reach the world only through the command context (src/context.ts): env, terminal IO,
    // signals and the exit code. Only src/process-context.ts (and bin/) touch the process.
    files: ['src/commands/**/*.ts', 'src/commands/**/*.tsx'],
    rules: {
      'no-restricted-globals': ['error', {name: 'process', message: 'Use this.ctx (env, io, signals, setExitCode) instead of process in commands.'}],
    },
  },
  {
    // The core and the UI kit take the world from their callers (the command context): the environment,
    // the streams, the working directory and the signals are parameters, never the process global.
    files: ['src/core/**/*.ts', 'src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    rules: {
      'no-restricted-globals': ['error', {name: 'process', message: 'Take env, streams, cwd and signals from the caller (src/context.ts); platform() and homedir() come from node:os.'}],
    },
  },
  {
    // The same door through an import. Two narrow exceptions, each with its reason at the import:
    // the process id names a queue worker (workers/worker.ts), and the HTTP debug printer's default
    // output serves callers without a terminal of their own (http/debug.ts).
    files: ['src/core/**/*.ts', 'src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    ignores: ['src/core/workers/worker.ts', 'src/core/http/debug.ts'],
    rules: {
      'no-restricted-imports': ['error', {paths: [
        {name: 'node:process', message: 'Take env, streams, cwd and signals from the caller (src/context.ts).'},
        {name: 'process', message: 'Take env, streams, cwd and signals from the caller (src/context.ts).'},
      ]}],
    },
  },
)
