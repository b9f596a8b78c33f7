#!/usr/bin/env bash
# The README's quick start exactly as written, on a fresh clone of this repository's HEAD, by a user with
# no AWS configuration: `npm install && npx ivsrt demo`. Without a terminal the demo reports progress
# until interrupted, so after a few seconds it gets the Ctrl-C a user would press. Passes when it ends
# cleanly (exit 0) with its summary. Usage: bash test/demo/quick-start.sh   (about a minute)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
export IVSRT_HOME="$work/ivsrt-home" AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IVS_REALTIME IVSRT_LOCAL
cleanup() {
  # The demo leaves the background emulator running on purpose; this run stops its own.
  if [ -f "$IVSRT_HOME/local.json" ]; then
    kill "$(node -p "require('$IVSRT_HOME/local.json').pid")" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet "$repo" "$work/ivsrt"
cd "$work/ivsrt"
npm install --no-audit --no-fund --prefer-offline >"$work/npm-install.log" 2>&1 || { cat "$work/npm-install.log"; exit 1; }

# Job control gives the demo its own process group with default signal handling, as at a terminal
# (otherwise a background job ignores SIGINT); Ctrl-C reaches the whole group (npx and ivsrt).
set -m
npx ivsrt demo >"$work/out" 2>"$work/err" &
demo=$!
set +m
for _ in $(seq 1 60); do
  grep -q 'connected' "$work/err" && break
  sleep 0.5
done
sleep 3
kill -INT -- "-$demo"
status=0
wait "$demo" || status=$?
cat "$work/err" >&2
cat "$work/out"
# ivsrt itself ends with 0 on Ctrl-C; npx (npm exec) reports the signal it received as 130.
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; then echo "quick start: ivsrt demo exited $status" >&2; exit 1; fi
grep -q 'participants.joined' "$work/out" || { echo 'quick start: no summary on stdout' >&2; exit 1; }
grep -qP 'participants.connectedAtEnd\t0$' "$work/out" || { echo 'quick start: the crowd did not leave' >&2; exit 1; }
grep -q 'connected' "$work/err" || { echo 'quick start: no participants were simulated' >&2; exit 1; }
echo 'quick start: ok'
