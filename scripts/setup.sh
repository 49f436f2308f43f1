#!/usr/bin/env bash
# Set up .venv for the app (default) or for the test suite (`test`), on a fresh machine.
# Python packages come from PyPI at the versions in constraints.txt; the browser tests also need
# Debian's chromium and fonts-noto-cjk (Chinese glyphs), and the store tests a PostgreSQL server
# (Debian's postgresql: the tests start a throwaway cluster with its initdb/pg_ctl), and the PowerPoint export
# test LibreOffice Impress (it converts the deck, as WPS or PowerPoint would open it), poppler-utils (pdftotext
# reads where each word was drawn) and the city-deployment test HAProxy (deploy/haproxy.cfg), installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
if [ "$mode" = "test" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,geo-build]'
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  [ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null || missing+=(haproxy)  # the proxy of the city deployment (deploy/, its test)
  command -v soffice >/dev/null || missing+=(libreoffice-impress-nogui)  # opens the exported PowerPoint file
  [ -d /usr/lib/libreoffice/program ] && ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 \
    || missing+=(libreoffice-calc-nogui)  # opens the round templates (.xlsx)
  # Writer converts the annual report (.docx) to PDF; the Impress package alone cannot open a .docx
  dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  command -v pdffonts >/dev/null || missing+=(poppler-utils)  # pdffonts/pdftotext check the report's PDF
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
fi
