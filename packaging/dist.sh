#!/bin/bash
# dist.sh — every release artifact into $DIST with SHA256SUMS (make dist):
#   tokentray-V-linux-amd64.tar.xz   the programs, desktop entry, icon, Makefile
#   tokentray_V_amd64.deb            nfpm
#   tokentray-V-x64.msi              per-user (no admin rights)
#   tokentray-V-x64-permachine.msi   per-machine, for IT
#   tokentray.exe, tokentray-window.exe
# Environment: VERSION (git describe), GO, DIST, BUILD (the unsigned
# binaries, kept apart so two builds can be compared), SIGN_PFX and
# SIGN_PASS (sign the .exe files and the MSIs), SIGN_TS (a timestamp
# server; without one a signature is only valid as long as the certificate).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
DIST=${DIST:-dist}
BUILD=${BUILD:-.build}
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2

# The package formats want numbers: MSI X.Y.Z.N (three fields of 0–255,
# 0–255, 0–65535 count for upgrades; N is the commits since the tag),
# Debian X.Y.Z, plus +N.gHASH between tags (packaging/version.sh).
read -r DEB_VERSION MSI_VERSION MSI_NEXT < <(packaging/version.sh "$VERSION")
export DEB_VERSION
# Timestamps in the packages: the commit's, not the clock's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH
echo "dist: version $VERSION (deb $DEB_VERSION, msi $MSI_VERSION)"

# Reproducible: no build paths (-trimpath), no VCS stamp (the version is
# stamped instead, and a dirty tree says so in it), no symbol tables.
gobuild() {
	"$GO" build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$VERSION $1" -o "$2" "${@:3}"
}
rm -rf "$BUILD" "$DIST"
mkdir -p "$BUILD/linux" "$BUILD/windows" "$DIST"
# Absolute from here on: some steps run elsewhere.
root=$PWD BUILD=$(cd "$BUILD" && pwd) DIST=$(cd "$DIST" && pwd)
# Linux: tokentray is the front, static and small (cmd/tokentray-front);
# tokentray-agent beside it is the full program, the module's root (what
# `go install` gives as tokentray). Windows: tokentray.exe is the full
# program itself.
CGO_ENABLED=0 gobuild "" "$BUILD/linux/tokentray" ./cmd/tokentray-front
gobuild "" "$BUILD/linux/tokentray-agent" .
gobuild "" "$BUILD/linux/" ./cmd/tokentray-window
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 gobuild "" "$BUILD/windows/" .
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	gobuild "-H=windowsgui" "$BUILD/windows/" ./cmd/tokentray-window

# Authenticode: the .exe files before they go into the MSIs, then the MSIs.
# The password travels on a pipe, not on a command line others can read.
sign() {
	[ -n "${SIGN_PFX:-}" ] || return 0
	local opts=()
	[ -z "${SIGN_TS:-}" ] || opts+=(-ts "$SIGN_TS")
	# An MSI's signature covers its file metadata too (MsiDigitalSignatureEx).
	[[ $1 != *.msi ]] || opts+=(-add-msi-dse)
	osslsigncode sign -pkcs12 "$SIGN_PFX" -readpass <(printf '%s' "${SIGN_PASS:-}") \
		-h sha256 -n tokentray -i https://github.com/tokentray/tokentray "${opts[@]}" \
		-in "$1" -out "$1.signed" >/dev/null
	chmod --reference="$1" "$1.signed"
	mv "$1.signed" "$1"
	echo "dist: signed $1"
}
mkdir -p "$BUILD/msi"
cp "$BUILD"/windows/*.exe "$BUILD/msi/"
for f in "$BUILD"/msi/*.exe; do sign "$f"; done
cp "$BUILD"/msi/*.exe "$DIST/"

"$GO" run packaging/icogen.go "$BUILD/msi/tokentray.ico"
rm -rf "$BUILD/msi/policy"
cp -r packaging/windows/policy "$BUILD/msi/policy"
for scope in perUser perMachine; do
	out=$DIST/tokentray-$VERSION-x64.msi
	[ $scope = perUser ] || out=$DIST/tokentray-$VERSION-x64-permachine.msi
	packaging/windows/msi.sh "$BUILD/msi" "$out" $scope "$VERSION" "$MSI_VERSION" "$MSI_NEXT"
	sign "$out"
done

# The Linux tree, shared by the tarball and the .deb; its times are the
# commit's so that both come out the same twice.
stage=$BUILD/tar/tokentray-$VERSION-linux-amd64
mkdir -p "$stage/bin" "$stage/share/applications" "$stage/share/icons/hicolor/256x256/apps"
install -m 755 "$BUILD"/linux/tokentray "$BUILD"/linux/tokentray-agent "$BUILD"/linux/tokentray-window "$stage/bin/"
install -m 644 packaging/linux/tokentray.desktop "$stage/share/applications/"
install -m 644 assets/icon.png "$stage/share/icons/hicolor/256x256/apps/tokentray.png"
install -m 644 packaging/linux/Makefile "$stage/"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar -C "$BUILD/tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
	-cf - "tokentray-$VERSION-linux-amd64" | xz -9 -T1 >"$DIST/tokentray-$VERSION-linux-amd64.tar.xz"

deb=$BUILD/deb
mkdir -p "$deb/bin"
install -m 755 "$BUILD"/linux/tokentray "$BUILD"/linux/tokentray-agent "$BUILD"/linux/tokentray-window "$deb/bin/"
install -m 644 packaging/linux/tokentray.desktop packaging/linux/copyright packaging/linux/lintian-overrides "$deb/"
install -m 644 assets/icon.png "$deb/tokentray.png"
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf 'tokentray (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- tokentray maintainers <tokentray@users.noreply.github.com>  %s\n' \
	"$DEB_VERSION" "$VERSION" "$date" | gzip -9n >"$deb/changelog.gz"
find "$deb" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$deb" && "$GO" run "$NFPM" package --config "$root/packaging/nfpm.yaml" --packager deb \
	--target "$DIST/tokentray_${DEB_VERSION}_amd64.deb" >/dev/null)

(cd "$DIST" && sha256sum -- * >SHA256SUMS)
ls -l "$DIST"
