#!/usr/bin/env bash
# Installs what `npm run test:parse-peer` needs, idempotently: PostgreSQL from Debian (its initdb/pg_ctl; the
# test starts a throwaway cluster of its own) and parse-server 9.10.0 in .peer/parse-server/ (gitignored),
# with router pinned to 2.2.0 (router 2.3.0 breaks every Cloud Code query with 141 "Cannot convert undefined
# or null to object", see ../shared/docs/parse-reference.md). Run as root on a fresh Debian machine, or as a
# user who already has PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-parse-peer: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
echo "install-parse-peer: PostgreSQL $("$(pg_bin)/postgres" --version | awk '{print $3}') in $(pg_bin)"

peer=.peer/parse-server
mkdir -p "$peer"
cat > "$peer/package.json.new" <<'JSON'
{
  "name": "cloudfn-parse-peer",
  "private": true,
  "description": "The reference Parse Server for npm run test:parse-peer (installed by scripts/install-parse-peer.sh).",
  "dependencies": {
    "parse-server": "9.10.0",
    "router": "2.2.0"
  },
  "overrides": {
    "router": "$router"
  }
}
JSON
if ! cmp -s "$peer/package.json.new" "$peer/package.json"; then mv "$peer/package.json.new" "$peer/package.json"; else rm "$peer/package.json.new"; fi
# Installed when parse-server is 9.10.0 and the only router in the tree is 2.2.0 (top level, none nested).
installed() {
  node -e '
    const fs = require("fs"), path = require("path");
    const modules = path.resolve(process.argv[1], "node_modules");
    const version = (dir) => { try { return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version; } catch { return undefined; } };
    const nested = path.join(modules, "parse-server", "node_modules", "router");
    process.exit(version(path.join(modules, "parse-server")) === "9.10.0" && version(path.join(modules, "router")) === "2.2.0"
      && (!fs.existsSync(nested) || version(nested) === "2.2.0") ? 0 : 1);
  ' "$peer"
}
if installed; then
  echo "install-parse-peer: parse-server 9.10.0 (router 2.2.0) already in $peer"
else
  (cd "$peer" && npm install --no-audit --no-fund --loglevel=error)
  installed || { echo "install-parse-peer: parse-server 9.10.0 with router 2.2.0 did not install in $peer" >&2; exit 1; }
  echo "install-parse-peer: installed parse-server 9.10.0 (router 2.2.0) in $peer"
fi
