#!/usr/bin/env bash
# Part of npm's "pretest": the SLURM engine's test (test/harness/sweep/slurm-engine.test.ts) starts
# a private one-node cluster from Debian's slurm-wlm. Finds it; when missing and run as root with
# apt, installs it (~40 s once) with no daemon started at install time; otherwise says in one line
# that the test will be skipped and how to have it run. Never fails `npm test` by itself.
set -uo pipefail

if command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ]; then exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing slurm-wlm with apt-get for the SLURM engine's test (once; about a minute)..." >&2
  log=$(mktemp "${TMPDIR:-/tmp}/xxbench-apt-XXXXXX.log")
  # Debian starts a service when its package is installed unless policy-rc.d says no; the test
  # starts its own private daemons, so none may be left running from the install.
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi
  if { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
       DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends slurm-wlm; } >"$log" 2>&1; then
    rm -f "$log"
  else
    echo "npm test: apt-get could not install slurm-wlm (its output: $log); the SLURM engine's test will be skipped" >&2
  fi
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  exit 0
fi

echo "npm test: no slurmctld, so the SLURM engine's test will be skipped (apt-get install slurm-wlm as root to run it)" >&2
exit 0
