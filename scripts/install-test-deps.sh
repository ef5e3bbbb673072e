#!/usr/bin/env bash
# Installs the system packages the test suite needs (PostgreSQL server) when they are missing.
set -euo pipefail
have_pg() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; }
if ! have_pg; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
