// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The layering rule, enforced here as VS Code enforces its own:
 * - src/ (the core) never imports electron, react or the DOM;
 * - renderer/ imports only the contract, the typed client and pure domain code from src/,
 *   never Node modules;
 * - main/ wires hosts to the service; only main/ may import electron or electron-store.
 */
/** The layers, bottom up; a file belongs to the first that matches. */
const layers = [
  { type: 'base', pattern: 'src/base/**', partialMatch: false },
  { type: 'domain', pattern: 'src/domain/**', partialMatch: false },
  { type: 'platform', pattern: 'src/platform/**', partialMatch: false },
  { type: 'feature-registry', pattern: 'src/features/schema/**', partialMatch: false },
  { type: 'feature', pattern: 'src/features/*/**', partialMatch: false, capture: ['feature'] },
  { type: 'api', pattern: 'src/api/**', partialMatch: false },
  { type: 'main', pattern: 'main/**', partialMatch: false },
  { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
];
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'util', 'events', 'zlib', 'url', 'worker_threads', 'tls', 'dgram', 'dns', 'readline', 'buffer', 'process'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/artifacts/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'electron-store'], message: 'src/ is the core: it never imports electron (only main/ does).' },
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'react-i18next', '@xterm/*', '@tanstack/*'], message: 'src/ is the core: it never imports React or UI libraries.' },
          { group: ['**/main/*', '**/renderer/*', '**/renderer'], message: 'src/ must not depend on the hosts or the renderer.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'window', message: 'src/ never touches the DOM.' },
        { name: 'document', message: 'src/ never touches the DOM.' },
        { name: 'localStorage', message: 'src/ never touches the DOM.' },
      ],
    },
  },
  {
    // The layers (DESIGN.md): base <- domain <- platform <- features <- api <- main, renderer.
    // Imports run one way only; test/unit/foundation/layering.test.ts proves each forbidden
    // direction fires, and test/unit/foundation/module-graph.test.ts that src/ has no cycle.
    files: ['src/**/*.ts', 'main/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers,
      'boundaries/include': ['src/**/*', 'main/**/*', 'renderer/**/*'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        message: 'Layers run one way: base <- domain <- platform <- features <- api <- main, renderer (see docs/CONTRIBUTING.md).',
        policies: [
          { from: { element: { type: 'base' } }, allow: { to: { element: { type: 'base' } } } },
          { from: { element: { type: 'domain' } }, allow: { to: { element: { types: { anyOf: ['base', 'domain'] } } } } },
          { from: { element: { type: 'platform' } }, allow: { to: { element: { types: { anyOf: ['base', 'domain', 'platform'] } } } } },
          { from: { element: { type: 'feature' } }, allow: { to: { element: { types: { anyOf: ['base', 'domain', 'platform', 'feature'] } } } } },
          { from: { element: { type: 'feature-registry' } }, allow: { to: { element: { types: { anyOf: ['platform', 'feature', 'feature-registry'] } } } } },
          { from: { element: { type: 'api' } }, allow: { to: { element: { types: { anyOf: ['base', 'domain', 'platform', 'feature', 'feature-registry', 'api'] } } } } },
          { from: { element: { type: 'main' } }, allow: { to: { element: { types: { anyOf: ['base', 'api', 'main'] } } } } },
          { from: { element: { type: 'renderer' } }, allow: { to: { element: { types: { anyOf: ['base', 'domain', 'api', 'renderer'] } } } } },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'renderer/ never imports Node modules: ask the core through the contract.' })),
        patterns: [
          { group: ['node:*'], message: 'renderer/ never imports Node modules: ask the core through the contract.' },
          { group: ['electron', 'electron/*', 'electron-store', 'better-sqlite3', 'ssh2', 'axios', 'ws'], message: 'renderer/ talks to the core only through the contract client.' },
          { group: ['**/main/*', '**/main'], message: 'renderer/ never imports the hosts.' },
          {
            regex: '(^|/)src/(?!api/(contract|client)$|api/contracts/|base/(errors|preferences-schema|text|messages)$|domain/)',
            message: 'renderer/ may import only src/api/contract, src/api/client, base errors and messages and pure src/domain/ code.',
          },
        ],
      }],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/api/contract.ts', 'src/api/contract-kit.ts', 'src/api/contracts/**/*.ts', 'src/api/client.ts', 'src/base/errors.ts', 'src/base/messages/*.ts', 'src/base/preferences-schema.ts'],
    rules: {
      // Shared with the renderer: must stay free of Node.
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net'], message: 'Code shared with the renderer must not import Node modules.' },
          { group: ['electron', 'react', 'react-dom', 'better-sqlite3', 'ssh2', 'axios'], message: 'Code shared with the renderer stays pure.' },
          { group: ['**/features/*', '**/platform/*', '**/handlers/*', '**/service', '**/core'], message: 'The contract and domain may import only zod and other contract/domain modules.' },
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/renderer/*'], message: 'main/ never imports renderer code.' },
          { group: ['**/src/features/*', '**/src/platform/*'], message: 'main/ only wires: go through src/api/service.' },
        ],
      }],
    },
  },
);
