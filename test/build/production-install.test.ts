// What production installs and runs: only `dependencies` imported at run time, the build holding src/ and the
// statement script only, the Dockerfile and the CI smoke copying the same files, docs/configuration.md current.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { renderConfigurationDoc } from '../../scripts/lib/config-docs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** The operator's statement script, built for production: the entry and its testable command. */
const STATEMENT_SCRIPT = ['scripts/statement.ts', 'scripts/statement-cli.ts'];

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Package names a module loads at run time: static imports and re-exports that are not `import type`, and dynamic import() calls. */
function runtimePackages(source: string): string[] {
  const found = new Set<string>();
  const statics = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  const dynamics = /\bimport\(\s*['"]([^'"]+)['"]\s*\)(?!\.[A-Z])/g;
  for (const re of [statics, dynamics]) for (const m of source.matchAll(re)) found.add(m[1]!);
  return [...found]
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:') && !builtinModules.includes(spec))
    .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!));
}

describe('production install', () => {
  it('production code (src/, scripts/statement.ts and statement-cli.ts) loads only packages listed in dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const offenders = [...tsFiles('src'), ...STATEMENT_SCRIPT].flatMap((file) =>
      runtimePackages(read(file))
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${file} imports ${name}${name in pkg.devDependencies ? ' (a devDependency)' : ' (not in package.json)'}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the import scan sees what it must (a devDependency import would be caught)', () => {
    expect(runtimePackages("import * as client from 'openid-client';\nimport type { X } from 'supertest';\nimport { type A, b } from '@koa/router/x';\nconst m = await import('jest');")).toEqual([
      'openid-client',
      '@koa/router',
      'jest',
    ]);
  });

  it('the build compiles src/ and the statement script (statement.ts, statement-cli.ts) only: no tests, benchmarks or dev tools', async () => {
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT });
    const ours = stdout
      .split('\n')
      .filter((f) => f && !f.includes('/node_modules/'))
      .map((f) => relative(ROOT, f));
    expect(ours.filter((f) => !f.startsWith('src/') && !STATEMENT_SCRIPT.includes(f))).toEqual([]);
    expect(ours).toContain('src/main.ts');
    expect(ours).toContain('scripts/statement.ts');
  }, 60_000);

  it('the CI smoke copies exactly what the Dockerfile runtime stage copies', () => {
    const dockerfile = read('Dockerfile');
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const copied = [...runtime.matchAll(/^COPY\s+(?:--from=\S+\s+)?(.+)$/gm)].flatMap((m) => {
      const parts = m[1]!.trim().split(/\s+/);
      return parts.slice(0, -1).map((p) => p.replace(/^\/app\//, '').replace(/^\.\//, ''));
    });
    const smoke = /RUNTIME_FILES=\(([^)]*)\)/.exec(read('scripts/prod-smoke.sh'));
    expect(smoke).not.toBeNull();
    expect(smoke![1]!.trim().split(/\s+/).sort()).toEqual(copied.sort());
  });

  it('docs/configuration.md is current with src/config/schema.ts (regenerate: npm run config-docs)', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigurationDoc());
  });
});
