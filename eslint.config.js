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
)
