// Every Lua script in src/ names the keys it touches only through KEYS[…] (Redis Cluster routes a script by its
// declared keys and refuses keys built inside the script). The cluster suites run the scripts; this catches a new
// script that builds a key name before any suite exercises it on a cluster.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT_DIR } from '../../src/container.js';

/** Commands that take no key (allowed with any first argument). */
const KEYLESS = new Set(['TIME', 'PING', 'ECHO']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The bodies of `luaScript(\`…\`)` calls in a TypeScript source. */
function scriptsIn(source: string): string[] {
  return [...source.matchAll(/luaScript\(\s*`([\s\S]*?)`\s*\)/g)].map((m) => m[1]!);
}

/** Each `redis.call('CMD', first, …)` whose first argument is not `KEYS[n]` (for a command that takes a key). */
function undeclaredKeyAccesses(script: string): string[] {
  return [...script.matchAll(/redis\.p?call\(\s*['"](\w+)['"]\s*(?:,\s*([^,)]+))?/g)]
    .filter(([, command, first]) => !KEYLESS.has(command!.toUpperCase()) && !/^KEYS\[\s*\w+\s*\]$/.test((first ?? '').trim()))
    .map(([call]) => call);
}

describe('Lua scripts declare their keys', () => {
  it('flags a key built inside a script (as the grant revocation once did)', () => {
    const built = `local members = redis.call('SMEMBERS', KEYS[1])
for _, member in ipairs(members) do redis.call('DEL', ARGV[1] .. member) end`;
    expect(undeclaredKeyAccesses(built)).toEqual(["redis.call('DEL', ARGV[1] .. member"]);
    expect(undeclaredKeyAccesses("local t = redis.call('TIME') return redis.call('GET', KEYS[1])")).toEqual([]);
  });

  it('every script in src/ touches keys only through KEYS', () => {
    const files = sourceFiles(join(ROOT_DIR, 'src'));
    const scripts = files.flatMap((file) => scriptsIn(readFileSync(file, 'utf8')).map((body) => ({ file: relative(ROOT_DIR, file), body })));
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    const offenders = scripts.flatMap(({ file, body }) => undeclaredKeyAccesses(body).map((call) => `${file}: ${call}`));
    expect(offenders).toEqual([]);
  });
});
