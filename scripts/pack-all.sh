#!/usr/bin/env bash
# Builds every package and packs each public one into ./packed/<name>-<version>.tgz (what
# `npm publish` would upload). Prints the tarballs' paths.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf packed && mkdir -p packed
npm run build >/dev/null
for dir in packages/*/; do
  private=$(node -p "require('./${dir}package.json').private === true")
  [ "$private" = true ] && continue
  (cd "$dir" && npm pack --silent --pack-destination ../../packed >/dev/null)
done
ls -1 "$PWD"/packed/*.tgz
