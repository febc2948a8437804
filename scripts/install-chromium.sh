#!/usr/bin/env bash
# Browser tests drive a Chromium-based browser with playwright-core (which downloads none).
# Uses $CHROMIUM_PATH or a browser already installed (scripts/browsers.json); else installs
# Debian's chromium when this machine can (apt-get, as root or with password-less sudo).
# Exits 0 without a browser: the browser tests then say they were skipped and why. Exits 1
# when CHROMIUM_PATH names no file, or an install was possible and failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
found="$(node "$here/find-browser.mjs")" && { echo "Browser for the browser tests: $found"; exit 0; }
# A path a person chose and got wrong is theirs to fix, not ours to paper over.
[ -n "${CHROMIUM_PATH:-}" ] && exit 1
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium or Chrome found and no apt-get here: the browser tests will be skipped."
  echo "To run them, install Chrome or Chromium, or set CHROMIUM_PATH to its executable."
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "No Chromium found, and installing Debian's chromium needs root (sudo asks for a password):"
    echo "the browser tests will be skipped. To run them: sudo apt-get install chromium, or set CHROMIUM_PATH."
    exit 0
  fi
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
echo "Installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq || exit 1
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null || exit 1
node "$here/find-browser.mjs"
