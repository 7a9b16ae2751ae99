#!/usr/bin/env bash
# Installs the Debian packages alta's development, tests and CI need, when any is missing.
# As root it installs them; otherwise it says exactly what to install. Idempotent.
set -euo pipefail

packages=(slapd ldap-utils redis-server redis-sentinel postgresql nginx chromium python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm install axe-core for the accessibility checks. Some machines have a nodejs package that
# bundles npm (Debian's does not): ask for Debian's only when the commands are missing.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root:" >&2
  echo "  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
# Our own slapd runs from a config of ours: keep the package from creating a system directory.
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
