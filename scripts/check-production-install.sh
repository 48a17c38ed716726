#!/usr/bin/env bash
# A stand-in for the Docker build, which CI cannot run: the dependency tree resolves (`npm ls --all`), the runtime
# stage's `npm ci --omit=dev` works in a clean copy of package.json and the lockfile, and the compiled service starts
# on those production dependencies alone, answers a start in sandbox mode, and exits on SIGTERM.
# Expects `npm ci` and `npm run build` to have run in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "npm ls --all"
npm ls --all >/dev/null || { npm ls --all 2>&1 | grep -E 'invalid|missing|ERR' >&2; exit 1; }

dir="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
cp package.json package-lock.json "$dir/"
cp -r dist "$dir/dist"
echo "npm ci --omit=dev in a clean copy ($dir)"
# As the Dockerfile's deps stage: install scripts run (argon2's addon), @scarf/scarf reports nothing.
(cd "$dir" && SCARF_ANALYTICS=false timeout 300 npm ci --omit=dev --no-audit --no-fund --loglevel=error)

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
echo "node dist/src/main.js on production dependencies only (port $port)"
(cd "$dir" && exec env -i PATH="$PATH" NODE_ENV=development PORT="$port" HOST=127.0.0.1 LOG_LEVEL=error \
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true SHUTDOWN_GRACE_MS=2000 node dist/src/main.js) &
pid=$!
up=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$up" ] || { echo "the service did not come up on production dependencies" >&2; exit 1; }
status="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/verifications" \
  -H 'Authorization: Bearer sandbox' -H 'Content-Type: application/json' -d '{"to":"+12065550100"}')"
[ "$status" = 201 ] || { echo "POST /v1/verifications answered $status, not 201" >&2; exit 1; }
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then echo "the service did not exit within 10 s of SIGTERM" >&2; exit 1; fi
wait "$pid" || { echo "the service exited non-zero after SIGTERM" >&2; exit 1; }
pid=""
echo "production install: ok"
