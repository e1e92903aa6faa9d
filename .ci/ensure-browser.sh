#!/usr/bin/env bash
# npm's "pretest": makes sure the browser test has what it needs before `npm test` runs.
# The browser test drives a system Chromium through playwright-core (never a browser downloaded by
# Playwright), and the report's PNGs are drawn with DejaVu Sans. Finds them; when missing and run
# as root with apt, installs them (Debian's chromium and fonts-dejavu-core); otherwise stops with
# one line saying what to install.
set -uo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
how="apt-get install chromium fonts-dejavu-core as root (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium executable and install the DejaVu Sans font"

have_all() { [ -x "$chromium" ] && [ -f "$font" ]; }

have_all && exit 0

if [ -n "${CHROMIUM_PATH:-}" ] && [ ! -x "$chromium" ]; then
  echo "npm test: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file; point it at a Chromium, or unset it to use /usr/bin/chromium" >&2
  exit 1
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing chromium and fonts-dejavu-core with apt-get for the browser test (once; about a minute)..." >&2
  log=$(mktemp "${TMPDIR:-/tmp}/xxbench-apt-XXXXXX.log")
  # Waits for another apt run to finish instead of failing on its lock.
  if { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
       DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1 &&
     have_all; then
    rm -f "$log"
    exit 0
  fi
  echo "npm test: apt-get could not install chromium and fonts-dejavu-core (its output: $log); $how" >&2
  exit 1
fi

need=""
[ -x "$chromium" ] || need="Chromium at $chromium"
[ -f "$font" ] || need="${need:+$need and }the DejaVu Sans font ($font)"
echo "npm test needs $need: $how" >&2
exit 1
