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
    // The core never writes to the terminal, reads stdin or ends the process itself.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        {object: 'process', property: 'exit', message: 'Throw a BbError; the command decides the exit code.'},
        {object: 'process', property: 'exitCode', message: 'Throw a BbError; the command decides the exit code.'},
        {object: 'process', property: 'stdin', message: 'Take input from the caller.'},
        {object: 'process', property: 'stdout', message: 'Emit events or return data; renderers write.'},
      ],
    },
  },
)
