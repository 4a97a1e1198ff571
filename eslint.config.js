// Lint rules: typescript-eslint's recommended set on our sources, tests and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.dev/', 'test-artifacts/', 'bench-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // Layers (ARCHITECTURE.md): the domain knows no HTTP framework, no OIDC library and no route; stores know no domain or channel.
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*', 'oidc-provider', 'oidc-provider/*'], message: 'Domain code does not import Koa or oidc-provider: take an interface (see services/account-session-ender.ts).' },
          { group: ['**/routes/**', '**/middleware/**', '**/provider/**'], message: 'Domain code does not import routes, middleware or the provider layer.' },
        ],
      }],
    },
  },
  {
    files: ['src/stores/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*'], message: 'Stores do not import Koa.' },
          { group: ['**/services/**', '**/channels/**', '**/routes/**', '**/middleware/**'], message: 'Stores implement interfaces; they import no services, channels or routes.' },
        ],
      }],
    },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', self: 'readonly', location: 'readonly', EventSource: 'readonly', indexedDB: 'readonly', crypto: 'readonly', atob: 'readonly', btoa: 'readonly', TextEncoder: 'readonly', clients: 'readonly', Notification: 'readonly', PublicKeyCredential: 'readonly', localStorage: 'readonly', AbortController: 'readonly', Response: 'readonly' } },
  },
);
