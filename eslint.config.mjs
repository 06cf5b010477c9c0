import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', '.local/', 'bench/.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    // The `npx openphone-bridge` launcher: an ES module run by Node.
    files: ['bin/**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    // The console's one browser script (progressive enhancement, no build step).
    files: ['console/static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'setInterval', 'clearInterval'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // A capability's domain is pure: no AWS SDK, no network, no file system.
    files: ['lambdas/*/domain/**/*.ts', 'lambdas/shared/**/*.ts'],
    ignores: ['lambdas/shared/dynamo/**', 'lambdas/shared/environment.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'node:http', 'node:https', 'node:fs', 'fs', 'http', 'https'],
              message: "Domain code has no I/O: put it in the capability's adapters/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Who may import whom (docs/decisions/0006-capability-boundaries.md): each capability is a
    // package whose public surface is its index.ts; its domain imports nothing with I/O.
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/include': [
        'lambdas/**/*.ts',
        'lib/**/*.ts',
        'bin/**/*.ts',
        'cli/**/*.ts',
        'console/**/*.ts',
        'local/**/*.ts',
        'test/**/*.ts',
        'bench/**/*.ts',
      ],
      // Elements here are files (index.ts, errors.ts, a domain file), matched on the whole path:
      // `mode: 'full'` still does that in v7, which warns that it is deprecated; silence the warning.
      'boundaries/legacy-warnings': false,
      'boundaries/elements': [
        { type: 'shared', pattern: 'lambdas/shared/**/*.ts', mode: 'full' },
        { type: 'index', pattern: 'lambdas/*/index.ts', mode: 'full', capture: ['capability'] },
        { type: 'errors', pattern: 'lambdas/*/errors.ts', mode: 'full', capture: ['capability'] },
        { type: 'domain', pattern: 'lambdas/*/domain/**/*.ts', mode: 'full', capture: ['capability'] },
        {
          type: 'adapters',
          pattern: 'lambdas/*/adapters/**/*.ts',
          mode: 'full',
          capture: ['capability'],
        },
        { type: 'entry', pattern: 'lambdas/*/**/*.ts', mode: 'full', capture: ['capability'] },
        { type: 'lib', pattern: '{lib,bin}/**/*.ts', mode: 'full' },
        { type: 'cli', pattern: 'cli/**/*.ts', mode: 'full' },
        { type: 'console', pattern: 'console/**/*.ts', mode: 'full' },
        { type: 'local', pattern: 'local/**/*.ts', mode: 'full' },
        { type: 'test', pattern: '{test,bench}/**/*.ts', mode: 'full' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { types: ['shared', 'index', 'errors', 'domain', 'adapters', 'entry'] } },
              disallow: { to: { element: { types: ['lib', 'cli', 'console', 'local', 'test'] } } },
              message: 'Lambda code never imports lib/, cli/, local/, test/ or bench/.',
            },
            {
              from: { element: { type: 'shared' } },
              disallow: { to: { element: { types: ['index', 'errors', 'domain', 'adapters', 'entry'] } } },
              message: 'lambdas/shared holds nothing capability-specific: it imports no capability.',
            },
            {
              from: { element: { types: ['index', 'errors', 'domain', 'adapters', 'entry'] } },
              disallow: {
                to: {
                  element: {
                    types: ['errors', 'domain', 'adapters', 'entry'],
                    captured: { capability: '!{{ from.element.captured.capability }}' },
                  },
                },
              },
              message:
                'Another capability ({{ to.element.captured.capability }}) is reached through its index.ts only.',
            },
            {
              from: { element: { type: 'domain' } },
              disallow: { to: { element: { types: ['adapters', 'entry'] } } },
              message: 'A domain imports no I/O: nothing from adapters/, handlers or services.',
            },
            {
              from: { element: { types: ['domain', 'adapters', 'errors', 'entry'] } },
              disallow: {
                to: {
                  element: {
                    type: 'index',
                    captured: { capability: '{{ from.element.captured.capability }}' },
                  },
                },
              },
              message: "A capability's own files import each other directly, never its index.ts (a cycle).",
            },
            {
              from: { element: { types: ['adapters', 'errors'] } },
              disallow: { to: { element: { type: 'entry' } } },
              message: 'Adapters import their domain and lambdas/shared, never the handlers built on them.',
            },
            {
              from: { element: { types: ['lib', 'cli', 'console'] } },
              disallow: { to: { element: { types: ['errors', 'domain', 'adapters', 'entry'] } } },
              message:
                "lib/, cli/ and console/ reach runtime code only through a capability's index.ts (or lambdas/shared).",
            },
          ],
        },
      ],
    },
  },
);
