#!/usr/bin/env bash
# Install test of the Debian package, run by .ci/run after `cargo test` (as root, on
# a machine where meldpunt is not installed). It builds the .deb, installs it with
# dpkg, checks that the portal refuses to start until a committee member exists and
# says what to do, adds a member as README "Deployment" says, starts the installed
# binary as the unit would (systemd is not PID 1 here: same user, same environment
# file and variables, same working directory, no new privileges, no capabilities),
# runs a reporter's journey with curl (form, report with a PNG that the cleaner's
# child process cleans, pickup code, sign-in, thread), reinstalls and removes the
# package to show the configuration and the database survive, then purges it and
# checks that nothing is left but the system user, which Debian keeps.
#
# The package is built with the deb-ci profile (Cargo.toml: release, optimised less,
# cheaper to compile); MELDPUNT_DEB_PROFILE=release builds the real thing.
# Exits non-zero on the first failure.
set -euo pipefail
# (No `grep -q` at the end of a pipe: it may stop reading early, and with pipefail the
# writer's SIGPIPE would fail the check at random.)
cd "$(dirname "$0")/.."

started=$(date +%s)
profile="${MELDPUNT_DEB_PROFILE:-deb-ci}"
work="$(mktemp -d)"
portal_pid=""
installed_here=""

fail() {
    echo "test-deb: FAILED: $*" >&2
    exit 1
}
cleanup() {
    if [ -n "$portal_pid" ]; then kill "$portal_pid" 2>/dev/null || true; fi
    # Only what this script installed is purged.
    if [ -n "$installed_here" ] && dpkg-query -W meldpunt >/dev/null 2>&1; then
        dpkg --purge meldpunt >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i)"
if dpkg-query -W meldpunt >/dev/null 2>&1 || [ -e /etc/meldpunt ] || [ -e /var/lib/meldpunt ]; then
    fail "meldpunt is already installed here; this test would touch a real installation"
fi
for tool in curl age-keygen setpriv runuser python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
done

# Every path named *meldpunt* outside the build tree, before and after. (A file that
# vanishes while find walks a busy /var is not an error here.)
leftovers() {
    {
        find /etc /usr /var /opt /srv -xdev \
            \( -path /var/tmp -o -path /var/cache/apt -o -path /var/lib/postgresql \) -prune \
            -o -name '*meldpunt*' -print 2>/dev/null || true
    } | sort
}
leftovers >"$work/before"
grep -v '^meldpunt:' /etc/passwd >"$work/passwd-before" || true

# ---- build and install ------------------------------------------------------------
command -v cargo-deb >/dev/null 2>&1 || cargo install cargo-deb --locked
build_started=$(date +%s)
cargo deb --profile "$profile" --fast --output "$work/" >"$work/cargo-deb.log" 2>&1 ||
    { tail -n 30 "$work/cargo-deb.log" >&2; fail "cargo deb"; }
build_secs=$(($(date +%s) - build_started))
deb=$(ls "$work"/meldpunt_*.deb)
echo "test-deb: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in ${build_secs}s"
dpkg-deb --info "$deb" | grep 'Depends:.*adduser' >/dev/null || fail "the package depends on adduser"

installed_here=yes
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
getent passwd meldpunt >/dev/null || fail "no meldpunt user"
[ "$(stat -c %U:%a /var/lib/meldpunt)" = meldpunt:750 ] || fail "/var/lib/meldpunt owner or mode"
[ "$(stat -c %U:%a /var/spool/meldpunt)" = meldpunt:750 ] || fail "/var/spool/meldpunt owner or mode"
[ "$(stat -c %U:%G:%a /etc/meldpunt/meldpunt.env)" = root:meldpunt:640 ] || fail "meldpunt.env owner or mode"
unit=$(dpkg -L meldpunt | grep '/systemd/system/meldpunt.service$') || fail "no unit in the package"
dpkg-query --showformat='${Conffiles}\n' --show meldpunt | grep /etc/meldpunt/meldpunt.env >/dev/null ||
    fail "meldpunt.env is not a conffile"
dpkg-query --showformat='${Conffiles}\n' --show meldpunt | grep /etc/meldpunt/site.toml >/dev/null ||
    fail "site.toml is not a conffile"

# ---- run as the unit would ----------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The administrator's edit: another port (8080 may be taken on a CI machine).
echo "MELDPUNT_LISTEN=127.0.0.1:$port" >>/etc/meldpunt/meldpunt.env
base="http://127.0.0.1:$port"

unit_value() { sed -n "s/^$1=//p" "$unit"; }
user=$(unit_value User)
[ "$user" = meldpunt ] || fail "the unit runs as $user"
envfile=$(unit_value EnvironmentFile)
workdir=$(unit_value WorkingDirectory)
exec_start=$(unit_value ExecStart)
unit_env=$(unit_value Environment)

# Becomes the command, run as the unit would run it: call it in a subshell or with &.
as_unit() {
    # env -i: only what the unit gives; then the environment file, which overrides
    # Environment= as in systemd. Word splitting is wanted: KEY=value words.
    # shellcheck disable=SC2046,SC2086
    cd "$workdir" && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin $unit_env \
        $(grep -E '^[A-Z_]+=' "$envfile") \
        setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
        --inh-caps=-all --bounding-set=-all -- "$@"
}

# No member yet: the portal refuses, and says what to do.
# shellcheck disable=SC2086 # ExecStart= is split into words, as systemd does
if (as_unit timeout 30 $exec_start) >"$work/first.out" 2>"$work/first.err"; then
    fail "the portal started without any committee key"
fi
grep -q 'meldpunt member add' "$work/first.err" || { cat "$work/first.err" >&2; fail "no hint at member add"; }

# The administrator adds a member, whose key the member made with age-keygen.
age-keygen -o "$work/member-key.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/member-key.txt")
# The command of README "Deployment", word for word but for the name and key.
(cd / && runuser -u meldpunt -- meldpunt member add \
    --database-url sqlite:///var/lib/meldpunt/meldpunt.db --name "CI lid" --recipient "$recipient") \
    >"$work/member.log" 2>&1 || { cat "$work/member.log" >&2; fail "member add"; }
[ "$(stat -c %U /var/lib/meldpunt/meldpunt.db)" = meldpunt ] || fail "the database is not the service's"

# shellcheck disable=SC2086
as_unit $exec_start >"$work/portal.out" 2>"$work/portal.err" &
portal_pid=$!
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$base/healthz" && break
    kill -0 "$portal_pid" 2>/dev/null || { cat "$work/portal.err" >&2; fail "the portal stopped"; }
    sleep 0.1
done
curl -sf -o /dev/null "$base/healthz" || fail "the portal does not answer"
[ "$(ps -o user= -p "$portal_pid")" = meldpunt ] || fail "the portal does not run as meldpunt"
tr '\0' '\n' <"/proc/$portal_pid/environ" | grep -x MALLOC_ARENA_MAX=2 >/dev/null || fail "MALLOC_ARENA_MAX is not set"
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$portal_pid/status" || fail "the portal may gain privileges"
grep -q '^CapBnd:[[:space:]]*0000000000000000' "/proc/$portal_pid/status" || fail "the portal keeps capabilities"

# ---- a reporter's journey -------------------------------------------------------------
jar="$work/cookies"
form=$(curl -sf "$base/report")
token=$(printf '%s' "$form" | grep -o 'name="form_token" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64,\}')
[ -n "$token" ] || fail "no form token"
# A 1x1 PNG with a text chunk ("Author"), which the cleaner's child removes.
base64 -d >"$work/photo.png" <<'PNG'
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAAEnRFWHRBdXRob3IAZGVwbG95IHRlc3Q15rAOAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==
PNG
receipt=$(curl -sf "$base/report" -F "form_token=$token" -F role=volunteer -F concern=other \
    -F "what=Een melding via het geïnstalleerde pakket" -F "files=@$work/photo.png;type=image/png")
# The code's digits are marked up one by one (<span class="digit">); the tags go.
code=$(printf '%s' "$receipt" |
    grep -o 'id="pickup-code"><code>\(<span class="digit">[0-9]</span>\|[^<]\)*</code>' |
    sed 's/<[^>]*>//g; s/^id="pickup-code">//')
[ "${#code}" = 29 ] || fail "no pickup code on the receipt"
printf '%s' "$receipt" | grep 'Weggehaald:' >/dev/null || fail "the PNG was not cleaned in the child process"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" "$base/pickup" --data-urlencode "code=$code")
[ "$status" = 303 ] || fail "sign-in with the code answered $status"
thread=$(curl -sf -b "$jar" "$base/thread")
printf '%s' "$thread" | grep 'Een melding via het geïnstalleerde pakket' >/dev/null || fail "the thread does not show the report"
kill "$portal_pid"
wait "$portal_pid" 2>/dev/null || true
portal_pid=""
installed_here=""
if grep -qF "$code" "$work/portal.out" "$work/portal.err"; then fail "the pickup code is in the log"; fi
echo "test-deb: journey on the installed package passed (report, cleaned file, code, thread)"

# ---- upgrades and removal keep what exists ---------------------------------------------
db_sum=$(sha256sum /var/lib/meldpunt/meldpunt.db | cut -d' ' -f1)
env_sum=$(sha256sum /etc/meldpunt/meldpunt.env | cut -d' ' -f1)
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || fail "reinstall"
[ "$(sha256sum /etc/meldpunt/meldpunt.env | cut -d' ' -f1)" = "$env_sum" ] || fail "reinstall changed meldpunt.env"
[ "$(sha256sum /var/lib/meldpunt/meldpunt.db | cut -d' ' -f1)" = "$db_sum" ] || fail "reinstall changed the database"
dpkg --remove meldpunt >"$work/dpkg.log" 2>&1 || fail "dpkg --remove"
[ ! -e /usr/bin/meldpunt ] || fail "remove left the binary"
[ -f /etc/meldpunt/meldpunt.env ] && [ -f /var/lib/meldpunt/meldpunt.db ] || fail "remove took configuration or database"
[ "$(sha256sum /var/lib/meldpunt/meldpunt.db | cut -d' ' -f1)" = "$db_sum" ] || fail "remove changed the database"

# ---- purge leaves nothing but the system user ----------------------------------------
dpkg --purge meldpunt >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg --purge"; }
leftovers >"$work/after"
if ! diff -u "$work/before" "$work/after"; then fail "purge left files behind"; fi
grep -v '^meldpunt:' /etc/passwd | diff -q - "$work/passwd-before" >/dev/null || fail "/etc/passwd changed beyond the meldpunt user"
getent passwd meldpunt >/dev/null || fail "the system user is gone (Debian keeps it)"
dpkg-query -W meldpunt >/dev/null 2>&1 && fail "dpkg still lists meldpunt"

echo "test-deb: passed in $(($(date +%s) - started))s (package build ${build_secs}s)"
