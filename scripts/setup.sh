#!/usr/bin/env bash
# Installs what building and testing need (system packages, Rust targets), then builds the node.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ensure_build_deps
build_binaries
