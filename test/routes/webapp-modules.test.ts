// The web app's ES modules as a browser loads them: every module reachable from the page's <script type="module"> is
// served (200, JavaScript, no-cache with an ETag that revalidates to 304), no file under public/ident/ is left out of
// that graph, none is over 150 lines, and nothing but a web app script can be fetched through the module route.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

const PUBLIC_IDENT = join(process.cwd(), 'public', 'ident');
const MAX_LINES = 150;

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
}, 60_000);
afterAll(async () => idp?.close());

/** Every *.js file below `dir`, as paths relative to public/ident/. */
function scriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scriptFiles(path);
    return entry.name.endsWith('.js') ? [relative(PUBLIC_IDENT, path)] : [];
  });
}

/** The static import specifiers of a module's source (`import … from '…'` and `import '…'`). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** Loads the page's module graph as a browser would: the entry from the page's script tag, then each import, once. */
async function loadModuleGraph(): Promise<Map<string, Response & { source: string }>> {
  const page = await (await fetch(`${idp.url}/ident/`)).text();
  const entries = [...page.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => new URL(m[1]!, `${idp.url}/ident/`).href);
  expect(entries).toEqual([`${idp.url}/ident/app.js`]);
  const loaded = new Map<string, Response & { source: string }>();
  const queue = [...entries];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (loaded.has(url)) continue;
    const res = await fetch(url);
    const source = await res.text();
    loaded.set(url, Object.assign(res, { source }));
    if (res.status === 200) for (const specifier of importsOf(source)) queue.push(new URL(specifier, url).href);
  }
  return loaded;
}

describe('financeIDENT web app modules', () => {
  it('serves every module the page imports as JavaScript, revalidated on each load', async () => {
    const graph = await loadModuleGraph();
    expect(graph.size).toBeGreaterThan(5);
    for (const [url, res] of graph) {
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const etag = res.headers.get('etag');
      expect(etag).toBeTruthy();
      // As a browser revalidates (fetch() would add `cache-control: no-cache` to a conditional request on its own).
      const again = await fetch(url, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
  });

  it('leaves no script under public/ident/ out: each is in the graph, or is the service worker', async () => {
    const graph = await loadModuleGraph();
    const served = [...graph.keys()].map((url) => new URL(url).pathname.slice('/ident/'.length)).sort();
    expect(served).toEqual(scriptFiles(PUBLIC_IDENT).filter((path) => path !== 'sw.js').sort());
    const sw = await fetch(`${idp.url}/ident/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it(`keeps every file of the web app under ${MAX_LINES} lines`, () => {
    const files = scriptFiles(PUBLIC_IDENT);
    expect(files).toContain('app.js');
    const long = files.map((path) => ({ path, lines: readFileSync(join(PUBLIC_IDENT, path), 'utf8').split('\n').length })).filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('serves nothing else through the module route: unknown names, other folders and other file types are 404', async () => {
    for (const path of ['/ident/nope.js', '/ident/Api.js', '/ident/screens/nope.js', '/ident/icon.svg', '/ident/screens/..%2Fapi.js', '/ident/..%2F..%2Fpackage.json', '/ident/%2E%2E%2Fsrc%2Fapp.ts', '/ident/.env']) {
      const res = await fetch(`${idp.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
