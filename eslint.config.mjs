import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'artifacts/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    languageOptions: { globals: { ...globals.es2020 } },
  },
  {
    files: ['test/**', 'dev/**', 'bench/**', 'scripts/**', '*.mjs', '*.cjs', '*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    // The sidebar's browser code: the DOM, and the server only as types (see rollup.config.mjs).
    files: ['src/ui/client/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              allowTypeImports: true,
              message:
                'The sidebar client imports the server only as types (import type): its code must not be bundled into the page.',
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
