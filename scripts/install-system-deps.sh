#!/usr/bin/env bash
# Installs the Debian packages the test suite's real services need:
# Chromium (end-to-end), OpenSSH server (SSH/SFTP/tools), xrdp + FreeRDP + Xvfb (RDP),
# Request Tracker 5 on SQLite (sync), nftables (incident isolation tests), OpenVPN
# (remote-access seats: a real server and clients in network namespaces,
# test/services/openvpn-lab.sh). Idempotent: skips what is already there. `npm test` runs
# it first: as root it installs what is missing, saying so in one line; otherwise it names
# the exact command to run and stops.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system packages: this is not a Debian-like system; install by hand Chromium, OpenSSH server, xrdp + FreeRDP 2 + Xvfb, Request Tracker 5 (standalone, SQLite), poppler-utils, iproute2, procps, nftables, OpenVPN" >&2
  exit 1
fi
need=()
for pkg in chromium openssh-server openssh-client xrdp xorgxrdp freerdp2-x11 xvfb x11-apps xauth \
           request-tracker5 rt5-db-sqlite rt5-standalone sqlite3 poppler-utils \
           iproute2 procps nftables openvpn; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system packages missing for the tests: ${need[*]}" >&2
  echo "install them once with:  sudo bash scripts/install-system-deps.sh   then run npm test again" >&2
  exit 1
fi
echo "system packages: installing ${need[*]} (apt-get, as root)"
cat <<'SEL' | debconf-set-selections
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/initial-root-password password relais-ci-root
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:8080
request-tracker5 request-tracker5/install-cronjobs boolean false
SEL
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: done"
