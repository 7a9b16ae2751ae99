#!/usr/bin/env bash
# Installs the Debian packages alta's development, tests and CI need, when any is missing.
# As root it installs them; otherwise it says exactly what to install. Idempotent.
set -euo pipefail

# openssh-server, php8.2-fpm, pebble (with pebble-challtestsrv) and certbot: the staging test hosts
# (app/devservices/hosts/), run from private configs on loopback ports; curl: the tests' HTTPS requests.
# postfix, postfix-ldap and dovecot-*: the mail test host (app/devservices/hosts/mail.py).
# redis-sentinel: the fail-over topology of tests/scale.
packages=(slapd ldap-utils redis-server redis-sentinel postgresql nginx chromium python3-venv
          openssh-server php8.2-fpm pebble certbot curl
          postfix postfix-ldap dovecot-imapd dovecot-lmtpd dovecot-ldap)
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
  echo "  printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d  # if absent" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  echo "  rm /usr/sbin/policy-rc.d  # if you made it, afterwards: no daemon of these packages starts" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
# Our own slapd runs from a config of ours: keep the package from creating a system directory.
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
# The packages' postinst scripts start their daemons (sshd on 22, nginx on 80, ...): a policy-rc.d that
# refuses every start keeps them down (ours run from our own configs); only one we made is removed.
policy=/usr/sbin/policy-rc.d
made_policy=
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# alta scripts/setup-system.sh: no service starts during this install\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  made_policy=1
fi
trap 'if [[ -n $made_policy ]]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
