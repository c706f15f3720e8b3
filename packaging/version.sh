#!/bin/bash
# version.sh VERSION — prints the Debian version, the MSI version and the
# MSI version that starts the next patch release, for a `git describe
# --tags --always --dirty` string:
#   v1.2.3             → 1.2.3            1.2.3.0   1.2.4
#   v1.2.3-4-gabc1234  → 1.2.3+4.gabc1234 1.2.3.4   1.2.4
#   abc1234-dirty      → 0.0.0+N.gabc1234.dirty 0.0.0.N 0.0.1
# (no tag yet: N counts the commits, so that later builds sort later).
set -euo pipefail
v=${1:?usage: version.sh VERSION}
re='^v?([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+)-g([0-9a-f]+))?(-dirty)?$'
if [[ $v =~ $re ]]; then
	x=${BASH_REMATCH[1]} y=${BASH_REMATCH[2]} z=${BASH_REMATCH[3]}
	n=${BASH_REMATCH[5]:-0} hash=${BASH_REMATCH[6]} dirty=${BASH_REMATCH[7]:+dirty}
else
	# No tag: the commit (or whatever VERSION says) rides on 0.0.0.
	x=0 y=0 z=0 hash=${v%-dirty} dirty=
	[ "$hash" = "$v" ] || dirty=dirty
	hash=$(printf '%s' "$hash" | tr -c 'A-Za-z0-9.~\n' '.')
	n=$(git rev-list --count "$hash^{commit}" -- 2>/dev/null || echo 0)
fi
if [ "$x" -gt 255 ] || [ "$y" -gt 255 ] || [ "$z" -ge 65535 ]; then
	echo "version.sh: $v does not fit an MSI version (255.255.65534)" >&2
	exit 1
fi
deb=$x.$y.$z
extra=
if [ "$n" != 0 ]; then extra=$n.g$hash; elif [ -n "$hash" ]; then extra=g$hash; fi
[ -z "$dirty" ] || extra=${extra:+$extra.}dirty
echo "$deb${extra:++$extra} $x.$y.$z.$n $x.$y.$((z + 1))"
