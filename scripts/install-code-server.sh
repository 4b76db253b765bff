#!/usr/bin/env bash
# Installs what the editor tests need on a fresh Debian machine, as root: Chromium, ripgrep and the kerberos
# headers from apt, then code-server 4.100.3 from npm into .e2e/code-server/ of this repository. Idempotent:
# every step is skipped when its result is already there, so a second run is a fast no-op.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
codeServerVersion=4.100.3
installDir="$root/.e2e/code-server"
codeServerBin="$installDir/node_modules/.bin/code-server"
# Built by code-server's postinstall (it installs VS Code's own dependencies); its absence means a broken install.
postinstallMarker="$installDir/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"

say() { echo "install-code-server: $*"; }

# The apt packages: Chromium drives the editor, ripgrep replaces the binary @vscode/ripgrep would download,
# libkrb5-dev lets code-server's kerberos dependency build from source, with build-essential and python3
# (node-gyp) for it and node-pty on a machine that lacks them.
aptPackages=(chromium libkrb5-dev ripgrep build-essential python3)
missingPackages=()
for package in "${aptPackages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missingPackages+=("$package")
  fi
done
if ((${#missingPackages[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    say "apt packages missing (${missingPackages[*]}) and this is not root; run it as root." >&2
    exit 1
  fi
  say "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  say "apt-get install ${missingPackages[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missingPackages[@]}"
else
  say "apt packages already installed: ${aptPackages[*]}"
fi

installedVersion=""
if [[ -f "$installDir/node_modules/code-server/package.json" ]]; then
  installedVersion="$(node -p "require('$installDir/node_modules/code-server/package.json').version")"
fi
if [[ "$installedVersion" == "$codeServerVersion" && -x "$codeServerBin" && -f "$postinstallMarker" ]]; then
  say "code-server $codeServerVersion already installed in $installDir"
  exit 0
fi

# @vscode/ripgrep downloads rg from GitHub unless this cached tarball exists; Debian's rg takes its place.
ripgrepCacheDir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
ripgrepTarball="$ripgrepCacheDir/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$ripgrepTarball" ]]; then
  say "putting /usr/bin/rg in $ripgrepTarball"
  mkdir -p "$ripgrepCacheDir"
  stagingDir="$(mktemp -d)"
  cp /usr/bin/rg "$stagingDir/rg"
  tar -czf "$ripgrepTarball" -C "$stagingDir" rg
  rm -rf "$stagingDir"
fi

say "npm install code-server@$codeServerVersion in $installDir (about a minute)"
mkdir -p "$installDir"
# A package.json of its own keeps npm from walking up into the project's one.
if [[ ! -f "$installDir/package.json" ]]; then
  echo '{ "name": "cloudfn-e2e-code-server", "private": true }' > "$installDir/package.json"
fi
# --unsafe-perm: code-server's postinstall refuses root otherwise; --yes: node-pty's postinstall runs npx.
(cd "$installDir" && npm install --no-audit --no-fund --unsafe-perm --yes "code-server@$codeServerVersion")
if [[ ! -f "$postinstallMarker" ]]; then
  say "code-server's postinstall did not build VS Code's native modules ($postinstallMarker is missing)." >&2
  exit 1
fi
"$codeServerBin" --version >/dev/null
say "done: $codeServerBin"
