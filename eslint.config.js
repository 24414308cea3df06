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
      // Hot loops over typed arrays under noUncheckedIndexedAccess.
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
