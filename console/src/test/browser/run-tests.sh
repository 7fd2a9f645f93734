#!/usr/bin/env bash
# Runs the console's browser tests (Playwright for Python + pytest, driving Debian's Chromium) against a running
# console. Called by ConsoleBrowserIT; arguments go to pytest.
# Environment: CONSOLE_URL, INGEST_URL, SCREENSHOT_DIR, OPERATOR_USERNAME, OPERATOR_PASSWORD, READER_USERNAME,
# READER_PASSWORD (required: the HTTP Basic logins of the console and ingest-service); POISON_REASON,
# FIXABLE_DEAD_LETTER_REASON (see test_console.py). Creates the virtualenv console/target/browser-venv on first use and installs Chromium
# with apt-get when /usr/bin/chromium is missing (needs root). Playwright never downloads a browser here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
venv="$module/target/browser-venv"
python="${PYTHON:-python3}"
chromium=/usr/bin/chromium

fail() { echo "console browser tests: $*" >&2; exit 1; }

for name in CONSOLE_URL INGEST_URL SCREENSHOT_DIR OPERATOR_USERNAME OPERATOR_PASSWORD READER_USERNAME READER_PASSWORD; do
  [ -n "${!name:-}" ] || fail "environment variable $name is not set"
done

command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.10+ (apt-get install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "$("$python" --version) is too old; Playwright needs Python 3.10+"

if [ ! -x "$chromium" ]; then
  [ "$(id -u)" = 0 ] || fail "$chromium is missing and only root can install it: apt-get install chromium"
  echo "console browser tests: installing Debian's chromium ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && apt-get install -y -q chromium >&2; } \
    || fail "apt-get could not install chromium"
  [ -x "$chromium" ] || fail "apt-get installed chromium, but $chromium is still missing"
fi

# One installer at a time; the stamp names the requirements it was made from.
mkdir -p "$module/target"
exec 9>"$module/target/browser-venv.lock"
flock 9
stamp="$venv/.installed-$(sha256sum "$here/requirements.txt" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "console browser tests: installing the pinned requirements into $venv ..." >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" || fail "could not create a virtualenv (apt-get install python3-venv)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2 \
    || fail "pip could not install $here/requirements.txt"
  touch "$stamp"
fi
exec 9>&-

cd "$here"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
exec "$venv/bin/python" -m pytest -p no:cacheprovider -v "$@" test_console.py
