#!/bin/sh
# Refreshes the vendored Jinja2 and MarkupSafe (runtime/cocobase/sandbox/vendor/) from Debian's packages, the
# one registry with Python packages this project reaches, and regenerates the vendor index that bundles them.
# Usage: sh scripts/vendorJinja.sh (needs apt-get and dpkg-deb; run `apt-get update` once first).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/runtime/cocobase/sandbox/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-jinja2 python3-markupsafe
for deb in *.deb; do dpkg-deb -x "$deb" x; done
sha256sum *.deb > "$vendor/SOURCES.sha256"
site=x/usr/lib/python3/dist-packages
rm -rf "$vendor/jinja2" "$vendor/markupsafe"
cp -r "$site/jinja2" "$vendor/jinja2"
mkdir "$vendor/markupsafe"
# MarkupSafe's C speedups are built for the machine's CPython: its pure Python fallback (_native.py) serves.
cp "$site/markupsafe/__init__.py" "$site/markupsafe/_native.py" "$vendor/markupsafe/"
rm -rf "$vendor/jinja2/__pycache__"
cp x/usr/share/doc/python3-jinja2/copyright "$vendor/COPYRIGHT.jinja2"
cp x/usr/share/doc/python3-markupsafe/copyright "$vendor/COPYRIGHT.markupsafe"
node "$root/scripts/vendorIndex.mjs"
