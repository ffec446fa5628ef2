import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'examples/*/dist/**', 'examples/*/node_modules/**', 'bench/peers/node_modules/**', 'bench/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Plugins reach the framework only through its public entry (src/plugin.ts), as outside plugins do.
    files: ['src/plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+(core|formats)(/|$)',
          message: 'Plugins import the framework only through the public entry: ../../plugin.js (ccproxy-node/plugin).',
        }],
      }],
    },
  },
  {
    // The example plugins are separate packages: their own files, and ccproxy only through its public entry.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^\\.\\./|^ccproxy-node(?!/plugin$)',
          message: 'An example plugin imports its own files (./x.js) and ccproxy only as ccproxy-node/plugin.',
        }],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
