#!/bin/bash
# check.sh [build|test] — make dist-check: the release artifacts built,
# compared, installed, run and removed for real.
#   build  make a throw-away code-signing certificate (never committed),
#          run packaging/dist.sh signed into dist/, then again unsigned from
#          a copy of the tree elsewhere (the reproducibility check);
#   test   checksums, signatures (and a tampered copy that must fail), the
#          two builds byte for byte, versions, the tarball installed with
#          its Makefile into a staging root, the .deb's Depends against
#          what the binaries load, lintian; the per-user MSI under Wine
#          (install with AUTOSTART=1, run, upgrade, uninstall, and the app's
#          own Run value removed too), the per-machine MSI; the .deb
#          installed with apt, run from PATH, its desktop entry validated,
#          removed.
# Without an argument, both. .ci/run builds beside the tests and tests
# after them. Installs into /usr (the .deb): run it on a CI machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GO=${GO:-go}
VERSION=${VERSION:-$(git describe --tags --always --dirty)}
export VERSION
work=${DIST_CHECK_DIR:-/tmp/tokentray-dist-check}
# apt needs root: CI runs as root or with sudo.
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }
fail() {
	echo "dist-check: $*" >&2
	exit 1
}

build_step() {
	rm -rf "$work"
	mkdir -p "$work"
	# The test step checks this version, whatever the tree says by then.
	echo "$VERSION" >"$work/VERSION"
	step "a throw-away code-signing certificate"
	openssl req -x509 -newkey rsa:3072 -nodes -days 2 -subj "/CN=tokentray CI test signing (untrusted)" \
		-addext extendedKeyUsage=codeSigning -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
	SIGN_PASS=$(openssl rand -hex 16)
	export SIGN_PASS SIGN_PFX=$work/test.pfx
	openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" -out "$SIGN_PFX" -passout env:SIGN_PASS
	rm "$work/key.pem"

	step "make dist, signed"
	packaging/dist.sh
	unset SIGN_PFX SIGN_PASS

	step "make dist again, unsigned, from a copy of the tree elsewhere"
	mkdir "$work/src"
	tar --exclude=./.build --exclude=./dist --exclude=./testdata/provider/node_modules -cf - . | tar -C "$work/src" -xf -
	(cd "$work/src" && SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) \
		DIST="$work/dist2" BUILD="$work/build2" packaging/dist.sh >/dev/null)
	rm -rf "$work/src"
}

test_step() {
	[ -f "$work/cert.pem" ] || fail "run the build step first"
	[ ! -f "$work/VERSION" ] || VERSION=$(cat "$work/VERSION")
	local deb_version msi_version msi_next
	read -r deb_version msi_version msi_next < <(packaging/version.sh "$VERSION")

	step "checksums"
	(cd dist && sha256sum --quiet -c SHA256SUMS)
	for f in dist/*; do
		[ "$f" = dist/SHA256SUMS ] || grep -q " ${f#dist/}\$" dist/SHA256SUMS || fail "$f is not in SHA256SUMS"
	done

	step "signatures"
	for f in dist/*.exe dist/*.msi; do
		osslsigncode verify -CAfile "$work/cert.pem" -in "$f" >"$work/verify.log" 2>&1 ||
			{ cat "$work/verify.log"; fail "$f: signature does not verify"; }
		{ grep -m1 'Subject:' "$work/verify.log"; grep 'Signature verification:' "$work/verify.log"; } |
			sed "s|^[[:space:]]*|${f#dist/}: |"
	done
	# The check can fail: one byte changed in the signed code must show.
	cp dist/tokentray.exe "$work/tampered.exe"
	printf '\x90' | dd of="$work/tampered.exe" bs=1 seek=$(($(stat -c %s "$work/tampered.exe") / 3)) conv=notrunc status=none
	if osslsigncode verify -CAfile "$work/cert.pem" -in "$work/tampered.exe" >/dev/null 2>&1; then
		fail "a tampered tokentray.exe still verifies"
	fi
	echo "a tampered copy fails verification, as it must"

	step "reproducible: the second build, elsewhere, is the same"
	# The .exe files in dist/ are signed (a signature has a time); their
	# unsigned originals stay in .build. MSIs get a fresh package code.
	local a b same=0
	for f in linux/tokentray linux/tokentray-agent linux/tokentray-window windows/tokentray.exe windows/tokentray-window.exe; do
		a=$(sha256sum <".build/$f") b=$(sha256sum <"$work/build2/$f")
		[ "$a" = "$b" ] || { echo "differs: $f"; same=1; }
	done
	for f in dist/*.tar.xz dist/*.deb; do
		a=$(sha256sum <"$f") b=$(sha256sum <"$work/dist2/${f#dist/}")
		[ "$a" = "$b" ] || { echo "differs: $f"; same=1; }
	done
	[ $same = 0 ] || fail "two builds of the same tree differ"
	sha256sum .build/linux/* .build/windows/* dist/*.tar.xz dist/*.deb | sed 's/  / /'

	step "versions"
	local want="tokentray $VERSION"
	# tokentray hands --version to tokentray-agent next to it.
	[ "$(.build/linux/tokentray --version)" = "$want" ] || fail "tokentray --version: $(.build/linux/tokentray --version), not $want"
	[ "$(.build/linux/tokentray-agent --version)" = "$want" ] || fail "tokentray-agent --version is not $want"
	# Static: no dynamic loader to start on every token a tool asks for.
	! objdump -p .build/linux/tokentray | grep -q NEEDED || fail "tokentray is linked dynamically; build it with CGO_ENABLED=0"
	# (Fyne, in tokentray-window, logs an error at start under LANG=C.)
	[ "$(LC_ALL='' LANG=en_US.UTF-8 .build/linux/tokentray-window --version)" = "tokentray-window $VERSION" ] ||
		fail "tokentray-window --version is not $VERSION"
	local deb
	deb=$(echo dist/tokentray_*_amd64.deb)
	[ "$(dpkg-deb -f "$deb" Version)" = "$deb_version" ] || fail "$deb: Version $(dpkg-deb -f "$deb" Version), not $deb_version"

	step "the tarball: make install into a staging root, run, make uninstall"
	local stage=$work/tarball
	rm -rf "$stage" && mkdir -p "$stage"
	tar -C "$stage" -xJf "dist/tokentray-$VERSION-linux-amd64.tar.xz"
	make -s -C "$stage/tokentray-$VERSION-linux-amd64" install DESTDIR="$stage/root"
	(cd "$stage/root" && find . -type f | sort)
	[ "$("$stage/root/usr/local/bin/tokentray" --version)" = "$want" ] || fail "the tarball's tokentray --version"
	make -s -C "$stage/tokentray-$VERSION-linux-amd64" uninstall DESTDIR="$stage/root"
	[ -z "$(find "$stage/root" -type f)" ] || fail "the tarball's make uninstall left files"

	step "the .deb depends on what its binaries load"
	local depends lib pkg
	depends=$(dpkg-deb -f "$deb" Depends)
	echo "Depends: $depends"
	# What they link (NEEDED), and what they open at run time: GLFW's X11
	# extensions.
	local opened="libXcursor.so.1 libXi.so.6 libXinerama.so.1 libXrandr.so.2 libXxf86vm.so.1"
	for lib in $opened; do
		strings .build/linux/tokentray-agent .build/linux/tokentray-window | grep -x "$lib" >/dev/null ||
			fail "neither binary opens $lib any more: drop its package from packaging/nfpm.yaml and from this list"
	done
	for lib in $(objdump -p .build/linux/tokentray .build/linux/tokentray-agent .build/linux/tokentray-window | awk '/NEEDED/{print $2}' | sort -u) $opened; do
		pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
		[ -n "$pkg" ] || fail "no Debian package has $lib"
		[[ ", $depends," == *", $pkg,"* ]] || fail "$lib comes from $pkg, which the .deb does not depend on"
		echo "$lib: $pkg"
	done

	step "lintian"
	# Errors fail (lintian's default); warnings are shown.
	lintian --tag-display-limit 0 "$deb"

	step "the per-user MSI under Wine"
	wine_msi

	step "the .deb, installed with apt"
	apt_deb "$deb"

	step "dist-check passed in ${SECONDS}s"
	ls -l dist
}

# wine_msi: install, run, upgrade and remove the MSIs in a new prefix.
wine_msi() {
	export WINEPREFIX=$work/wine WINEDEBUG=-all
	# A new prefix each time: a product left registered by an earlier run
	# would count in the checks below.
	[ ! -d "$WINEPREFIX" ] || { wineserver -k 2>/dev/null || true; rm -rf "$WINEPREFIX"; }
	testdata/wine/prefix.sh "$WINEPREFIX"
	# One wineserver for all the steps below, not one each.
	wineserver -p
	trap 'wineserver -k 2>/dev/null || true' EXIT
	local user dir run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
	user=$(id -un)
	dir=$WINEPREFIX/drive_c/users/$user/AppData/Local/Programs/tokentray
	local exe='C:\users\'$user'\AppData\Local\Programs\tokentray\tokentray.exe'
	local lnk="$WINEPREFIX/drive_c/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/tokentray.lnk"
	local msi
	msi=$(winepath -w "dist/tokentray-$VERSION-x64.msi")

	msiexec() { wine msiexec "$@" >"$work/msiexec.log" 2>&1 || { cat "$work/msiexec.log"; fail "msiexec $*"; }; }
	products() { wine reg query 'HKCU\Software\Microsoft\Installer\Products' /s 2>/dev/null | grep -c 'ProductName.*tokentray' || true; }
	runvalue() { wine reg query "$run" /v tokentray 2>/dev/null | awk '/REG_SZ/{sub(/.*REG_SZ +/, ""); print}' | tr -d '\r'; }
	gone() {
		[ ! -e "$dir" ] || { find "$dir"; fail "uninstall left $dir"; }
		[ ! -e "$lnk" ] || fail "uninstall left the Start-menu shortcut"
		[ -z "$(runvalue)" ] || fail "uninstall left the Run value: $(runvalue)"
		! wine reg query 'HKCU\Software\tokentray' >/dev/null 2>&1 || fail "uninstall left HKCU\\Software\\tokentray"
		[ "$(products)" = 0 ] || fail "uninstall left the product registered"
	}

	echo "install /qn AUTOSTART=1"
	msiexec /i "$msi" /qn AUTOSTART=1
	[ -f "$dir/tokentray.exe" ] && [ -f "$dir/tokentray-window.exe" ] || fail "not installed in $dir"
	[ -f "$dir/policy/tokentray.admx" ] && [ -f "$dir/policy/en-US/tokentray.adml" ] || fail "the Group Policy template is not installed in $dir/policy"
	[ -f "$lnk" ] || fail "no Start-menu shortcut"
	# The very value the app's own toggle writes (app/autostart_windows.go).
	[ "$(runvalue)" = "\"$exe\"" ] || fail "Run value: $(runvalue), not \"$exe\""
	echo "Run value: $(runvalue)"
	osslsigncode verify -CAfile "$work/cert.pem" -in "$dir/tokentray.exe" >/dev/null || fail "the installed tokentray.exe is not signed"

	local out
	out=$(wine "$exe" version | tr -d '\r')
	[ "$out" = "tokentray $VERSION" ] || fail "installed tokentray.exe version: $out"
	echo "$out"
	out=$(wine "$exe" profiles | tr -d '\r') || fail "tokentray.exe profiles failed: $out"
	echo "$out"
	[[ $out == *"No profile yet"* ]] || fail "tokentray.exe profiles: unexpected output"

	echo "upgrades in place (no AUTOSTART: start at login stays on): a rebuild of the same X.Y.Z, then the next release"
	# Windows Installer compares three fields: a rebuild (fourth field)
	# replaces, and only a later X.Y.Z makes the older package refuse.
	local v=${msi_version%.*}.$((${msi_version##*.} + 1))
	local x=${msi_next%.*} z=${msi_next##*.}
	packaging/windows/msi.sh .build/msi "$work/rebuild.msi" perUser "$VERSION+1" "$v" "$msi_next"
	packaging/windows/msi.sh .build/msi "$work/upgrade.msi" perUser "$VERSION+2" "$msi_next.0" "$x.$((z + 1))"
	for up in rebuild upgrade; do
		msiexec /i "$(winepath -w "$work/$up.msi")" /qn
		[ "$(products)" = 1 ] || fail "after the $up $(products) tokentray products are registered, not 1"
		[ "$(runvalue)" = "\"$exe\"" ] || fail "the $up lost start at login"
	done
	if wine msiexec /i "$msi" /qn >/dev/null 2>&1; then fail "the older MSI installed over the newer one"; fi
	[ "$(products)" = 1 ] || fail "the refused downgrade left $(products) products registered"
	msiexec /x "$(winepath -w "$work/upgrade.msi")" /qn
	gone
	echo "uninstalled: nothing left"

	echo "install without AUTOSTART; the app turns start at login on; uninstall"
	msiexec /i "$msi" /qn
	[ -z "$(runvalue)" ] || fail "Run value without AUTOSTART"
	wine reg add "$run" /v tokentray /t REG_SZ /d "\"$exe\"" /f >/dev/null
	msiexec /x "$msi" /qn
	gone
	echo "uninstalled: nothing left"

	echo "the per-machine MSI, AUTOSTART=1; upgrade; uninstall"
	local pm=$WINEPREFIX/drive_c/Program\ Files/tokentray mrun='HKLM\Software\Microsoft\Windows\CurrentVersion\Run'
	msi=$(winepath -w "dist/tokentray-$VERSION-x64-permachine.msi")
	msiexec /i "$msi" /qn AUTOSTART=1
	[ -f "$pm/tokentray.exe" ] || fail "not installed in $pm"
	wine reg query "$mrun" /v tokentray >/dev/null 2>&1 || fail "no machine-wide Run value"
	out=$(wine 'C:\Program Files\tokentray\tokentray.exe' version | tr -d '\r')
	[ "$out" = "tokentray $VERSION" ] || fail "per-machine tokentray.exe version: $out"
	echo "$out"
	mproducts() { wine reg query 'HKLM\Software\Classes\Installer\Products' /s 2>/dev/null | grep -c 'ProductName.*tokentray' || true; }
	packaging/windows/msi.sh .build/msi "$work/upgrade-pm.msi" perMachine "$VERSION+2" "$msi_next.0" "$x.$((z + 1))"
	msiexec /i "$(winepath -w "$work/upgrade-pm.msi")" /qn
	[ "$(mproducts)" = 1 ] || fail "after the per-machine upgrade $(mproducts) tokentray products are registered, not 1"
	wine reg query "$mrun" /v tokentray >/dev/null 2>&1 || fail "the per-machine upgrade lost start at login"
	echo "upgraded in place"
	msiexec /x "$(winepath -w "$work/upgrade-pm.msi")" /qn
	[ ! -e "$pm" ] || fail "uninstall left $pm"
	! wine reg query "$mrun" /v tokentray >/dev/null 2>&1 || fail "uninstall left the machine-wide Run value"
	[ "$(mproducts)" = 0 ] || fail "uninstall left the per-machine product registered"
	echo "uninstalled: nothing left"
	wineserver -k || true
	trap - EXIT
}

# apt_deb DEB: install with apt, run from PATH, validate, remove.
apt_deb() {
	local deb=$1
	! dpkg -s tokentray >/dev/null 2>&1 || fail "tokentray is installed already; this check installs and removes it"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "./$deb" >"$work/apt.log" 2>&1 ||
		{ cat "$work/apt.log"; fail "apt install ./$deb"; }
	trap '$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q tokentray >/dev/null 2>&1 || true' EXIT
	[ "$(command -v tokentray)" = /usr/bin/tokentray ] || fail "tokentray is not /usr/bin/tokentray on PATH"
	[ "$(tokentray --version)" = "tokentray $VERSION" ] || fail "tokentray --version: $(tokentray --version)"
	[ "$(LC_ALL='' LANG=en_US.UTF-8 tokentray-window --version)" = "tokentray-window $VERSION" ] || fail "tokentray-window --version"
	tokentray --version
	desktop-file-validate /usr/share/applications/tokentray.desktop
	[ -f /usr/share/icons/hicolor/256x256/apps/tokentray.png ] || fail "no icon"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q tokentray >"$work/apt.log" 2>&1 ||
		{ cat "$work/apt.log"; fail "apt purge tokentray"; }
	trap - EXIT
	[ -z "$(ls /usr/bin/tokentray* 2>/dev/null)" ] || fail "purge left /usr/bin/tokentray*"
	echo "installed, ran, validated, removed"
}

case ${1:-all} in
build) build_step ;;
test) test_step ;;
all) build_step && test_step ;;
*) fail "usage: check.sh [build|test]" ;;
esac
