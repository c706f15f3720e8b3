#!/bin/bash
# prefix.sh DIR — makes DIR a fresh 64-bit Wine prefix that runs Go
# programs: Wine 8.0 lacks bcryptprimitives.dll, which Go ≥ 1.22 loads at
# start, so a stand-in (bcryptprimitives.c) goes into its system32. Then:
#   WINEPREFIX=DIR WINEDEBUG=-all wine prog.exe …
# Needs Debian's wine, wine64 and gcc-mingw-w64-x86-64. Stop the prefix's
# wineserver with `WINEPREFIX=DIR wineserver -k` when done.
set -euo pipefail
dir=${1:?usage: prefix.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
export WINEPREFIX
WINEPREFIX=$(cd "$dir" && pwd)
export WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
# No Mono or Gecko: wineboot would offer to download them.
export WINEDLLOVERRIDES="mscoree,mshtml="
# wineboot wants no display; without one it says so and carries on.
DISPLAY= wineboot -i >/dev/null 2>&1
wineserver -w
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	"$here/bcryptprimitives.c" -ladvapi32
