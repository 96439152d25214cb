#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local,testnet}.json from the runtime's genesis presets.
# Run it after changing the runtime or a preset, and commit the result.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ensure_build_deps
build_binaries
for chain in dev local testnet; do
	"$NODE_BIN" build-spec --chain "$chain" --disable-default-bootnode 2>/dev/null >"$REPO_ROOT/chain-specs/$chain.json.tmp"
	mv "$REPO_ROOT/chain-specs/$chain.json.tmp" "$REPO_ROOT/chain-specs/$chain.json"
	log "wrote chain-specs/$chain.json"
done
