#!/usr/bin/env bash
# Installs the Debian packages the test suite's real services need:
# Chromium (end-to-end), OpenSSH server (SSH/SFTP/tools), xrdp + FreeRDP + Xvfb (RDP),
# Request Tracker 5 on SQLite (sync), OpenVPN (remote-access seats: a real server and
# clients in network namespaces, test/services/openvpn-lab.sh). Idempotent: skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in chromium openssh-server openssh-client xrdp xorgxrdp freerdp2-x11 xvfb x11-apps xauth \
           request-tracker5 rt5-db-sqlite rt5-standalone sqlite3 poppler-utils \
           iproute2 procps openvpn; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "system packages: installing ${need[*]}"
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
