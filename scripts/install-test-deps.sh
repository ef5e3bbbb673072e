#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing: the PostgreSQL server, and
# Chromium for the admin UI's browser tests (Playwright drives /usr/bin/chromium; it never downloads
# a browser of its own).
set -euo pipefail
have_pg() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; }
have_chromium() { [ -x /usr/bin/chromium ]; }
missing=()
have_pg || missing+=(postgresql)
have_chromium || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
