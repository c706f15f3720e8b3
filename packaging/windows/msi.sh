#!/bin/bash
# msi.sh DIR OUT perUser|perMachine DISPLAY_VERSION MSI_VERSION NEXT_VERSION
# Builds tokentray.wxs into OUT with wixl, from DIR's tokentray.exe,
# tokentray-window.exe and tokentray.ico (packaging/dist.sh; the
# upgrade test in testdata/dist/check.sh builds a second version).
set -euo pipefail
[ $# = 6 ] || { echo "usage: msi.sh DIR OUT perUser|perMachine DISPLAY_VERSION MSI_VERSION NEXT_VERSION" >&2; exit 2; }
wxs=$(cd "$(dirname "$0")" && pwd)/tokentray.wxs
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
# wixl takes source paths relative to where it runs.
cd "$1"
wixl -a x64 -D Scope="$3" -D DisplayVersion="$4" -D Version="$5" -D NextVersion="$6" \
	-D Bin=. -D Icon=tokentray.ico -o "$out" "$wxs"
