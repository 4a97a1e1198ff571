#!/usr/bin/env bash
# Production install smoke: build, copy what the Docker runtime stage copies, install production
# dependencies only, start `node dist/src/main.js` on the embedded default, check discovery and /readyz, stop;
# then run the production statement script once.
#
# Usage: bash scripts/prod-smoke.sh [FAILURE_FILE]
# Exit code 0 when every step passed; otherwise 1, and the failed step is printed (and written to
# FAILURE_FILE, for scripts/test.sh's FAILED lines). Keep RUNTIME_FILES equal to the Dockerfile's runtime
# stage (test/build/production-install.test.ts compares them).
set -uo pipefail

cd "$(dirname "$0")/.."
root="$(pwd)"
failure_file="${1:-}"
RUNTIME_FILES=(package.json package-lock.json dist views public config)

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "production smoke FAILED at: $1" >&2
  if [ -n "$pid" ] && [ -f "$work/server.log" ]; then
    echo "--- server output ---" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  [ -z "$failure_file" ] || echo "$1" >"$failure_file"
  exit 1
}

step() { echo "production smoke: $1"; }

step "npm run build (tsconfig.build.json)"
rm -rf dist
npm run build >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "npm run build"; }

step "copy ${RUNTIME_FILES[*]} to a temporary folder"
app="$work/app"
mkdir -p "$app"
for f in "${RUNTIME_FILES[@]}"; do cp -R "$root/$f" "$app/" || fail "copy $f"; done

step "npm ci --omit=dev in the copy (production dependencies only)"
(cd "$app" && npm ci --omit=dev --prefer-offline --no-audit --no-fund >"$work/npm.log" 2>&1) || { cat "$work/npm.log" >&2; fail "npm ci --omit=dev"; }
for dev in jest tsx typescript playwright-core supertest; do
  [ ! -e "$app/node_modules/$dev" ] || fail "devDependency $dev present after npm ci --omit=dev"
done

port="$(node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
step "start node dist/src/main.js (embedded default) on $base"
# A clean environment: the embedded default, whatever this shell has set (REDIS_URL, MONGODB_URI, NODE_ENV …).
(cd "$app" && exec env -i PATH="$PATH" HOME="$work" PORT="$port" HOST=127.0.0.1 ISSUER="$base" LOG_LEVEL=warn \
  node --enable-source-maps dist/src/main.js >"$work/server.log" 2>&1) &
pid=$!

# Waits up to 90 s (CI shares two cores with other jobs) for discovery, then checks it and /readyz.
node --input-type=module -e '
  const [base, pidText] = process.argv.slice(1);
  const alive = () => { try { process.kill(Number(pidText), 0); return true; } catch { return false; } };
  const deadline = Date.now() + 90_000;
  let discovery;
  while (!discovery) {
    if (!alive()) { console.error("the server exited during start"); process.exit(2); }
    if (Date.now() > deadline) { console.error("no answer within 90 s"); process.exit(2); }
    try {
      const r = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (r.ok) discovery = await r.json();
    } catch { await new Promise((res) => setTimeout(res, 500)); }
  }
  if (discovery.issuer !== base) { console.error(`discovery issuer ${discovery.issuer}, expected ${base}`); process.exit(3); }
  if (!discovery.authorization_endpoint || !discovery.jwks_uri) { console.error("discovery lacks endpoints"); process.exit(3); }
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) { console.error("empty JWKS"); process.exit(3); }
  const ready = await fetch(`${base}/readyz`);
  const body = await ready.json();
  if (ready.status !== 200 || body.status !== "ready") { console.error(`/readyz ${ready.status} ${JSON.stringify(body)}`); process.exit(4); }
  const demo = await fetch(`${base}/demo`);
  if (demo.status !== 200) { console.error(`/demo answered ${demo.status}`); process.exit(5); }
  console.log(`production smoke: discovery (issuer ${discovery.issuer}), JWKS (${jwks.keys.length} keys), /readyz ready, /demo 200`);
' "$base" "$pid"
case $? in
  0) ;;
  2) fail "start of node dist/src/main.js" ;;
  3) fail "discovery of the production build" ;;
  4) fail "/readyz of the production build" ;;
  5) fail "demo pages of the production build" ;;
  *) fail "checks of the production build" ;;
esac

step "stop (SIGTERM)"
kill -TERM "$pid"
for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "graceful stop within 15 s of SIGTERM"; fi
wait "$pid"
rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"

step "node dist/scripts/statement.js (the operator's quarterly SMS statement; without MONGODB_URI it says it needs one)"
# The statement reads the service's MongoDB; the embedded default keeps its ledger in the running process only, so
# without MONGODB_URI the built script must load and say plainly what it needs (exit code 2), never a stack trace.
rc=0
(cd "$app" && env -i PATH="$PATH" HOME="$work" LOG_LEVEL=silent node dist/scripts/statement.js --broker 100001 --quarter 2026-Q4 >"$work/statement.out" 2>"$work/statement.err") || rc=$?
[ "$rc" -eq 2 ] && grep -q 'MONGODB_URI' "$work/statement.err" && ! grep -q '    at ' "$work/statement.err" \
  || { cat "$work/statement.err" >&2; fail "node dist/scripts/statement.js (exit code $rc, expected 2 and a word on MONGODB_URI)"; }
step "passed"
