#!/usr/bin/env bash
# Makes sure Debian's Chromium is on this machine for the browser tests (playwright-core drives
# /usr/bin/chromium; `npx playwright install` cannot download here). Idempotent.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || echo present)"
  exit 0
fi
SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
echo "chromium: installing Debian's chromium package"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "chromium: $(chromium --version 2>/dev/null || echo installed)"
