#!/bin/sh
# Debian's chromium for tests/browser/, installed with apt-get where this runs as root.
# Elsewhere (not root, no apt, or the install fails) it says why and the browser tests skip,
# unless PARLEY_REQUIRE_SERVICES=1 (CI), where this fails instead.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update && apt-get install -y chromium && exit 0
  problem="apt-get install -y chromium failed"
else
  problem="installing Debian's chromium needs root and apt-get"
fi
echo "chromium is not installed ($problem): the browser tests will skip" >&2
[ "${PARLEY_REQUIRE_SERVICES:-}" = 1 ] && exit 1
exit 0
