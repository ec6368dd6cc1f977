#!/usr/bin/env bash
# Install everything arxiv-translator needs on a fresh Debian machine (run as root or with sudo):
# TeX Live with XeLaTeX + kotex and the babel languages European papers load (a paper that says
# \usepackage[ngerman,english]{babel} compiles on arXiv, so it must here), Noto CJK fonts, poppler-utils, bubblewrap + Ghostscript (compile jail, EPS), then the Python package with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
PACKAGES="latexmk texlive-latex-extra texlive-science texlive-fonts-recommended texlive-fonts-extra
  texlive-publishers texlive-bibtex-extra texlive-plain-generic lmodern cm-super tipa biber
  texlive-xetex texlive-lang-korean fonts-noto-cjk poppler-utils chromium bubblewrap ghostscript
  texlive-lang-german texlive-lang-european texlive-lang-french texlive-lang-spanish texlive-lang-italian
  texlive-lang-portuguese texlive-lang-cyrillic
  postgresql"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# the hf engine's tests build a tiny model locally: torch pinned first (a CPU build where the index offers one),
# then the extras (hf: transformers, sentencepiece, tokenizers; ray: the batch tests start a local Ray)
python3 -m pip install -q --disable-pip-version-check "torch==2.13.0"
python3 -m pip install -q --disable-pip-version-check -e ".[test,hf,ray]"
