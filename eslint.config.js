// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/**', '**/.turbo/**', '**/coverage/**', '**/reports/**', '**/docs/api/**', '**/node_modules/**', '**/.tmp-*'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Tests and benches may assert what they just built; src/ may not (see the src block below).
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Protocol cores are bit-twiddling code; bigint/number mixing is checked by tsc.
      '@typescript-eslint/prefer-literal-enum-member': 'off',
      'no-bitwise': 'off',
      // `get<T>(key)` accessors read better than casts at every call site.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  {
    // Sizes and certainty in src/: files along the real source's units (~400 lines), functions
    // short enough to read (~80 lines), and no `!`: a value that may be unset gets a type that
    // cannot be, or a typed invariant error naming the rule (each package's `defined()`).
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 420, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    // Sans-I/O: protocol cores never read the real clock or real randomness.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/adapters/**', 'packages/testkit/src/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Protocol cores take time as input (sans-I/O); use an adapter.' },
        { object: 'Math', property: 'random', message: 'Use a seeded stream from @protolab/sim.' },
      ],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Protocol cores are sans-I/O; timers live in adapters.' },
        { name: 'setInterval', message: 'Protocol cores are sans-I/O; timers live in adapters.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' } },
  },
);
