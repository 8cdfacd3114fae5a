#!/usr/bin/env bash
# Builds vscode-extension/secure-ls.vsix: npm ci, typecheck + bundle, the secure_ls wheel that
# the extension installs privately (bundled/), and vsce package. Skips what did not change:
# npm ci when package-lock.json is unchanged, everything else when neither the extension's
# sources nor the server's (secure_ls/, pyproject.toml) changed.
#
#   PYTHON   interpreter that builds the wheel (default: <repo>/.venv/bin/python, else python3)
set -euo pipefail

EXT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$EXT_DIR/.." && pwd)"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
log() { printf '[vscode-extension/package] %s\n' "$*" >&2; }
cd "$EXT_DIR"

hash_files() { # prints one hash for the named files' paths and contents
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32
}

lock_hash="$(printf '%s\0' package-lock.json | hash_files)"
if [[ -f node_modules/.secure-ls-lock-hash && "$(cat node_modules/.secure-ls-lock-hash)" == "$lock_hash" ]]; then
    log "node_modules up to date"
else
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" >node_modules/.secure-ls-lock-hash
fi

inputs_hash="$(
    {
        find src -type f -print0
        printf '%s\0' package.json package-lock.json tsconfig.json esbuild.mjs .vscodeignore README.md LICENSE.txt
        find "$ROOT/secure_ls" -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0
        printf '%s\0' "$ROOT/pyproject.toml"
    } | hash_files
)"
if [[ -f secure-ls.vsix && -f .package-stamp && "$(cat .package-stamp)" == "$inputs_hash" ]]; then
    log "secure-ls.vsix up to date"
    exit 0
fi

log "building the server wheel with $PYTHON"
rm -rf bundled
mkdir -p bundled
"$PYTHON" -m pip wheel --no-deps --disable-pip-version-check --quiet "$ROOT" -w bundled
ls bundled/secure_ls-*.whl >/dev/null

log "vsce package"
rm -f secure-ls.vsix
npx --no-install vsce package --allow-missing-repository --out secure-ls.vsix </dev/null
echo "$inputs_hash" >.package-stamp
log "built $EXT_DIR/secure-ls.vsix"
