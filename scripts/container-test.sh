#!/usr/bin/env bash
# Builds the signer's container image with podman and tests it end to end:
#   env-only config, /healthz, /readyz, POST /v1/sign (200 with a policy; 401 without a valid
#   token), HEALTHCHECK and non-root user in the image, `podman healthcheck run` -> healthy,
#   `--check`, and a SIGTERM stop (`podman stop`) that exits 0.
#
# Run from a clone after `pnpm install` (CI runs it as root on a clean clone):
#   bash scripts/container-test.sh
# Ends with the line `container: N passed, M failed`; exits non-zero on any failure.
#
# Environment (all optional):
#   S3U_CONTAINER_NETWORK  slirp4netns (default): `-p 127.0.0.1:PORT:8787`, the signer listens on
#                          0.0.0.0 inside its own network namespace and the host side is bound to
#                          loopback only, with no bridge, iptables or ip_forward change on the host.
#                          host: `--network host` with HOST=127.0.0.1 PORT=<free port>.
#   S3U_REMOVE_IMAGE=1     remove the tested image (localhost/s3-upload-signer:test) afterwards; by
#                          default it is kept (and replaced by the next run) so that its layers
#                          are reused.
#
# No registry is reachable here, so the image is built FROM a local node base image made by
# scripts/container-base-image.sh, and nothing runs npm/pnpm inside the image: the signer is built
# and `pnpm deploy`ed on the host and COPYed in (see packages/signer/Dockerfile).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

IMAGE="localhost/s3-upload-signer:test"
NETWORK="${S3U_CONTAINER_NETWORK:-slirp4netns}"
DEPLOY_DIR="$ROOT/packages/signer/.deploy"
CONTAINER="s3u-signer-test-$$"
TOKEN="ci-container-token-0123456789abcdef"
ORIGIN="http://localhost:5173"
T0=$(date +%s%N)

PASSED=0
FAILED=0
STARTED=0
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/s3u-container-test.XXXXXX")"

say() { printf 'container: %s\n' "$*"; }
elapsed() { printf '%d.%01ds' $(( ($(date +%s%N) - $1) / 1000000000 )) $(( ($(date +%s%N) - $1) / 100000000 % 10 )); }
pass() { PASSED=$((PASSED + 1)); printf '  ok   %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf '  FAIL %s\n' "$1"; [[ -n "${2:-}" ]] && printf '%s\n' "$2" | sed 's/^/       /'; }

cleanup() {
  if [[ "$STARTED" == 1 ]]; then
    podman rm -f -t 0 "$CONTAINER" >/dev/null 2>&1 || true
  fi
  rm -rf "$DEPLOY_DIR" "$LOGDIR"
  if [[ "${S3U_REMOVE_IMAGE:-0}" == 1 ]]; then
    podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
  fi
}

finish() {
  if [[ "$FAILED" -gt 0 && "$STARTED" == 1 ]]; then
    echo "--- podman logs $CONTAINER (last 40 lines) ---"
    podman logs --tail 40 "$CONTAINER" 2>&1 || true
    echo "---"
  fi
  cleanup
  trap - EXIT
  say "total $(elapsed "$T0")"
  echo "container: $PASSED passed, $FAILED failed"
  [[ "$FAILED" -eq 0 ]] && exit 0 || exit 1
}
trap finish EXIT
trap 'fail "interrupted"; exit 1' INT TERM

# Stops here with the summary; every step before the container run is a prerequisite.
fatal() { fail "$1" "${2:-}"; exit 1; }

# ---------------------------------------------------------------------------------------------
case "$NETWORK" in slirp4netns | host) ;; *) fatal "S3U_CONTAINER_NETWORK must be slirp4netns or host (got $NETWORK)" ;; esac
say "1/4 podman, runc and the base image"
t=$(date +%s%N)
[[ "$(id -u)" == 0 ]] || fatal "must run as root (rootful podman)"
missing=()
for tool in podman runc slirp4netns; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]} with apt-get"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc slirp4netns; } >"$LOGDIR/apt.log" 2>&1; then
    fatal "apt-get install podman runc slirp4netns" "$(tail -20 "$LOGDIR/apt.log")"
  fi
fi

# A private podman config (nothing under /etc is changed): runc, no systemd on these machines,
# events to a file, and ulimits the sandbox allows. Storage stays in podman's default root
# location (/var/lib/containers/storage) so the base image and layers are reused between runs.
# shellcheck source=lib/podman-conf.sh
source "$ROOT/scripts/lib/podman-conf.sh"
use_project_podman_conf "$ROOT"
# No systemd here: don't let podman try to schedule HEALTHCHECK timers; `podman healthcheck run`
# runs the check on demand below.
export DISABLE_HC_SYSTEMD=true

if ! podman info >"$LOGDIR/info.log" 2>&1; then fatal "podman info" "$(tail -20 "$LOGDIR/info.log")"; fi
if ! BASE_IMAGE="$(bash "$ROOT/scripts/container-base-image.sh" 2>"$LOGDIR/base.log" | tail -1)" || [[ -z "$BASE_IMAGE" ]]; then
  fatal "base image (scripts/container-base-image.sh)" "$(tail -20 "$LOGDIR/base.log")"
fi
pass "podman $(podman version --format '{{.Client.Version}}') with runc; base image $BASE_IMAGE ($(elapsed "$t"))"

# ---------------------------------------------------------------------------------------------
say "2/4 build, deploy and image"
t=$(date +%s%N)
[[ -d "$ROOT/node_modules" ]] || fatal "node_modules is missing: run pnpm install first"
if ! pnpm exec tsc -b packages/signer >"$LOGDIR/tsc.log" 2>&1; then fatal "tsc -b packages/signer" "$(tail -30 "$LOGDIR/tsc.log")"; fi
[[ -f packages/signer/dist/cli.js ]] || fatal "packages/signer/dist/cli.js was not built"
rm -rf "$DEPLOY_DIR"
if ! pnpm --filter @s3-upload/signer deploy --prod --legacy "$DEPLOY_DIR" >"$LOGDIR/deploy.log" 2>&1; then
  fatal "pnpm deploy" "$(tail -20 "$LOGDIR/deploy.log")"
fi
# Give the freshly written files (package.json, dist) a fixed mtime so that an unchanged signer
# hits podman's layer cache. node_modules is left alone: its files are hard links into the pnpm
# store (and already keep the store's mtimes).
find "$DEPLOY_DIR" -path "$DEPLOY_DIR/node_modules" -prune -o \( -type d -o -links 1 \) -exec touch -h -d @946684800 {} +
pass "signer built and deployed ($(du -sh "$DEPLOY_DIR" | cut -f1), $(elapsed "$t"))"

t=$(date +%s%N)
old_id="$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
if ! podman build --format docker --pull=never --layers \
      --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" packages/signer >"$LOGDIR/build.log" 2>&1; then
  fatal "podman build" "$(tail -30 "$LOGDIR/build.log")"
fi
rm -rf "$DEPLOY_DIR"
new_id="$(podman image inspect --format '{{.Id}}' "$IMAGE")"
if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then podman rmi "$old_id" >/dev/null 2>&1 || true; fi
pass "podman build --format docker ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'), $(elapsed "$t"))"

hc="$(podman image inspect --format '{{json .HealthCheck}}' "$IMAGE")"
if [[ "$hc" == *'"node"'* && "$hc" == *'/healthz'* ]]; then pass "image HEALTHCHECK runs node against /healthz"; else fail "image HEALTHCHECK" "$hc"; fi
user="$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
case "$user" in "" | root | 0 | 0:* | root:*) fail "image USER is non-root" "User=\"$user\"" ;; *) pass "image USER is non-root ($user)" ;; esac
ports="$(podman image inspect --format '{{json .Config.ExposedPorts}}' "$IMAGE")"
if [[ "$ports" == *'8787/tcp'* ]]; then pass "image EXPOSEs 8787"; else fail "image EXPOSE 8787" "$ports"; fi

# ---------------------------------------------------------------------------------------------
say "3/4 run with env-only config (network: $NETWORK)"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"

# shellcheck disable=SC2054 # the commas are inside values (UPLOAD_ACCEPT)
SIGNER_ENV=(
  -e S3_BUCKET=uploads
  -e S3_REGION=us-east-1
  -e S3_ENDPOINT=http://127.0.0.1:9000
  -e S3_FORCE_PATH_STYLE=true
  -e ALLOWED_ORIGINS="$ORIGIN"
  -e AUTH_MODE=tokens
  -e AUTH_TOKENS="ci:$TOKEN"
  -e 'UPLOAD_KEY_TEMPLATE=uploads/{uuid}/{filename}'
  -e UPLOAD_ACCEPT=image/png,image/jpeg
  -e UPLOAD_MAX_SIZE=5MB
  -e LOG_LEVEL=info
  -e AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
  -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
)
case "$NETWORK" in
  slirp4netns) NET_ARGS=(--network slirp4netns:port_handler=slirp4netns -p "127.0.0.1:$PORT:8787") ;;
  host) NET_ARGS=(--network host -e HOST=127.0.0.1 -e PORT="$PORT") ;;
esac
# The same hardening as examples/container/README.md documents.
HARDEN=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges)

if out="$(podman run --rm --network none "${HARDEN[@]}" "${SIGNER_ENV[@]}" "$IMAGE" --check 2>&1)" && [[ "$out" == *"Config OK"* ]]; then
  pass "--check validates the env-only config ($out)"
else
  fail "--check" "$out"
fi

# Containers left by an earlier run that was killed before its trap could run.
for stale in $(podman ps -a --filter label=org.s3-upload.test=container-test --filter status=exited \
                 --filter status=created --format '{{.Names}}' 2>/dev/null); do
  podman rm -f -t 0 "$stale" >/dev/null 2>&1 || true
done

t=$(date +%s%N)
if ! podman run -d --name "$CONTAINER" --label org.s3-upload.test=container-test "${NET_ARGS[@]}" "${HARDEN[@]}" "${SIGNER_ENV[@]}" \
      "$IMAGE" >"$LOGDIR/run.log" 2>&1; then
  fatal "podman run" "$(tail -20 "$LOGDIR/run.log")"
fi
STARTED=1

# probe NAME: one HTTP check against the running signer, using the host's node (no curl needed).
probe() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node --input-type=module -e '
const [name, base, token, origin] = process.argv.slice(1);
const fail = (msg) => { console.log(msg); process.exit(1); };
const sign = (auth) => fetch(`${base}/v1/sign`, {
  method: "POST",
  headers: { "content-type": "application/json", origin, ...(auth && { authorization: `Bearer ${auth}` }) },
  body: JSON.stringify({ files: [{ name: "cat.png", type: "image/png", size: 123 }] }),
  signal: AbortSignal.timeout(5000),
});
try {
  if (name === "healthz" || name === "readyz") {
    const res = await fetch(`${base}/${name}`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json();
    const want = name === "healthz" ? "ok" : "ready";
    if (res.status !== 200 || body.status !== want) fail(`${res.status} ${JSON.stringify(body)}`);
  } else if (name === "sign") {
    const res = await sign(token);
    const text = await res.text();
    if (res.status !== 200) fail(`${res.status} ${text}`);
    const up = JSON.parse(text).uploads?.[0];
    if (!up?.url || !up.fields?.Policy || !up.fields["X-Amz-Signature"]) fail(`no signed policy: ${text}`);
    if (!/^uploads\/[0-9a-f-]{36}\/cat\.png$/.test(up.key)) fail(`unexpected key ${up.key}`);
    const policy = JSON.parse(Buffer.from(up.fields.Policy, "base64").toString("utf8"));
    if (!policy.conditions.some((c) => Array.isArray(c) && c[0] === "content-length-range")) fail(`policy without content-length-range: ${JSON.stringify(policy)}`);
    if (res.headers.get("access-control-allow-origin") !== origin) fail(`CORS: access-control-allow-origin=${res.headers.get("access-control-allow-origin")}`);
    console.log(`key ${up.key}, policy expires ${policy.expiration}`);
  } else if (name === "no-token" || name === "bad-token") {
    const res = await sign(name === "bad-token" ? "not-the-right-token-000000" : "");
    if (res.status !== 401) fail(`${res.status} ${await res.text()}`);
  } else fail(`unknown probe ${name}`);
} catch (error) { fail(String(error?.cause ?? error)); }
' "$1" "$BASE_URL" "$TOKEN" "$ORIGIN"
}

running() { [[ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" == true ]]; }

up=0
for _ in $(seq 1 150); do
  if probe healthz >/dev/null 2>&1; then up=1; break; fi
  running || break
  sleep 0.2
done
if [[ "$up" == 1 ]]; then pass "GET /healthz -> 200 {\"status\":\"ok\"} on 127.0.0.1:$PORT ($(elapsed "$t") after podman run)"
else fatal "GET /healthz within 30 s (running: $(running && echo yes || echo no))"; fi

if out="$(probe readyz)"; then pass "GET /readyz -> 200 (credentials from env)"; else fail "GET /readyz" "$out"; fi
if out="$(probe sign)"; then pass "POST /v1/sign with the token -> 200 with a signed policy ($out)"; else fail "POST /v1/sign with the token" "$out"; fi
if out="$(probe no-token)"; then pass "POST /v1/sign without a token -> 401"; else fail "POST /v1/sign without a token -> 401" "$out"; fi
if out="$(probe bad-token)"; then pass "POST /v1/sign with a wrong token -> 401"; else fail "POST /v1/sign with a wrong token -> 401" "$out"; fi

# The signer's own process (the container's PID 1, seen from the host: no user namespace here).
pid="$(podman inspect --format '{{.State.Pid}}' "$CONTAINER")"
uid="$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
if [[ "$uid" =~ ^[0-9]+$ && "$uid" -ge 1000 ]]; then pass "the signer's process runs as uid $uid"; else fail "the signer's process runs as a non-root uid" "pid $pid uid '$uid'"; fi
chc="$(podman inspect --format '{{json .Config.Healthcheck}}' "$CONTAINER")"
if [[ "$chc" == *'/healthz'* ]]; then pass "container inspect shows the HEALTHCHECK"; else fail "container inspect shows the HEALTHCHECK" "$chc"; fi

if out="$(podman healthcheck run "$CONTAINER" 2>&1)" &&
   status="$(podman inspect --format '{{.State.Health.Status}}' "$CONTAINER")" && [[ "$status" == healthy ]]; then
  pass "podman healthcheck run -> healthy"
else
  fail "podman healthcheck run -> healthy" "$out (status: ${status:-?})"
fi

podman logs "$CONTAINER" >"$LOGDIR/container.log" 2>&1
if ! grep -qF "$TOKEN" "$LOGDIR/container.log"; then pass "the token never appears in the logs"; else fail "the token appears in the logs"; fi
if ! grep -q NodeVersionSupportWarning "$LOGDIR/container.log"; then pass "no AWS SDK node-version warning in the logs"
else fail "no AWS SDK node-version warning in the logs" "$(grep -m1 NodeVersionSupportWarning "$LOGDIR/container.log")"; fi

# ---------------------------------------------------------------------------------------------
say "4/4 SIGTERM"
t=$(date +%s%N)
podman stop -t 20 "$CONTAINER" >/dev/null 2>&1
code="$(podman wait "$CONTAINER" 2>&1)"
took="$(elapsed "$t")"
if [[ "$code" == 0 ]]; then pass "podman stop (SIGTERM) -> exit code 0 in $took"
else fail "podman stop (SIGTERM) -> exit code 0" "exit code: $code after $took"; fi
podman logs "$CONTAINER" >"$LOGDIR/container.log" 2>&1
if grep -q 'shutting down' "$LOGDIR/container.log"; then pass "the signer logged a graceful shutdown"; else fail "the signer logged a graceful shutdown"; fi
