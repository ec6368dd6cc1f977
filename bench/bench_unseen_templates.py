"""Papers nobody tuned for: the publishers' sample papers that TeX Live ships, measured from the outside.

Debian's ``texlive-publishers-doc`` holds the sample papers of ACM, IEEE (conference, journal, Computer
Society), Elsevier, Nature, REVTeX/APS, AASTeX, AIAA, ASME, AMS, JMLR/PMLR, MNRAS, APA ... None of them is
in ``../shared/corpus`` and none was used to build the reader. Each is copied (decompressed) into a
temporary tree, translated through the local stand-in model (``../shared/tools/standin_llm.py``,
``FAKE_SLOPPY=0.3``) as an ``openai`` engine, and measured with ``fidelity.py latex``. The script prints
per template: exit status, formulas and keys lost, prose left (fidelity.py) and the report's own audit
share, whether the original and the Korean PDF compile, and the segments reverted.

Sample papers are short (100-5,000 words) and much of their text is the author block and instructions
about the class itself (``\\verb|\\maketitle|``, package names), so their prose-left share is not the
corpus promise; what this run catches is a reader that stops early or skips a whole family of prose
(all of which showed here first: a ``\\verb|\\end{document}|`` that ended the paper, the Computer Society
abstract left in English, ``\\lettrine`` options sent as prose).

Usage: python3 bench/bench_unseen_templates.py [--no-compile] [--only NAME,...]
(install ``texlive-publishers-doc`` first; exits 2 when it is missing).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from standin import Standin, fidelity  # noqa: E402

DOC = Path("/usr/share/texlive/texmf-dist/doc/latex")
#: name -> files of the template (relative to DOC; ``.gz`` files are decompressed).
TEMPLATES = {
    "acm-sigconf": ["acmart/samples/sample-sigconf.tex.gz", "acmart/samples/sample-base.bib.gz",
                    "acmart/samples/sampleteaser.pdf", "acmart/samples/sample-franklin.png"],
    "acm-acmsmall": ["acmart/samples/sample-acmsmall.tex.gz", "acmart/samples/sample-base.bib.gz",
                     "acmart/samples/sampleteaser.pdf", "acmart/samples/sample-franklin.png"],
    "ieee-conf": ["ieeetran/bare_conf.tex.gz"],
    "ieee-jrnl": ["ieeetran/bare_jrnl.tex.gz"],
    "ieee-compsoc": ["ieeetran/bare_jrnl_compsoc.tex.gz"],
    "elsarticle": ["elsarticle/elsarticle-template-num.tex.gz"],
    "nature": ["nature/nature-template.tex.gz"],
    "aomart": ["aomart/aomsample.tex.gz", "aomart/aomsample.bib.gz"],
    "ijmart": ["ijmart/ijmsample.tex.gz"],
    "jmlr-pmlr": ["jmlr/pmlr-sample.tex.gz", "jmlr/pmlr-sample.bib"],
    "revtex-aps": ["revtex/sample/aps/apssamp.tex.gz", "revtex/sample/aps/apssamp.bib.gz",
                   "revtex/sample/aps/fig_1.eps"],
    "aastex": ["aastex/sample631.tex.gz", "aastex/sample631.bib.gz"],
    "aiaa": ["aiaa/template_advanced.tex.gz", "aiaa/bibtex_database.bib", "aiaa/figure_magnet.pdf"],
    "asmeconf": ["asmeconf/asmeconf-template.tex.gz", "asmeconf/asmeconf-sample.bib.gz"],
    "mnras": ["mnras/mnras_template.tex.gz", "mnras/example.bib", "mnras/example.png"],
    "apa7": ["apa7/samples/longsample.tex.gz"],
}


def build_tree(name: str, files: list[str], into: Path) -> Path | None:
    """Copy one template's files into ``into/name``; None when the package does not have them."""
    tree = into / name
    tree.mkdir(parents=True)
    for rel in files:
        src = DOC / rel
        if not src.exists():
            return None
        if src.suffix == ".gz":
            (tree / src.stem).write_bytes(gzip.decompress(src.read_bytes()))
        else:
            shutil.copy(src, tree / src.name)
    return tree


def run_one(tree: Path, out: Path, base_url: str, compile_: bool) -> str:
    """Translate one tree and return its line of figures."""
    cmd = [sys.executable, "-m", "arxiv_translator.cli", "translate", str(tree), "--out", str(out), "--engine",
           "openai", "--base-url", base_url, "--model", "standin", "--quiet"] + ([] if compile_ else ["--no-compile"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": "sk-bench"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if not (out / "report.json").exists():
        return f"rc={proc.returncode}  {proc.stderr.strip().splitlines()[-1][:150] if proc.stderr.strip() else ''}"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    fig = fidelity("latex", tree, out / "source")
    (ml, mt), (kl, kt), (pl, pt) = fig["math lost"], fig["keys lost"], fig["prose left"]
    comp = report["compile"]
    return (f"rc={proc.returncode}  math lost {ml}/{mt}  keys lost {kl}/{kt}  prose left {pl}/{pt} "
            f"({100 * pl / max(pt, 1):.2f} %)  audit {100 * (report.get('audit') or {}).get('share', 0):.2f} %  "
            f"original compiles {comp.get('original_ok')}  Korean PDF {comp.get('ok')}  "
            f"reverted {len(comp.get('reverted') or [])}  segments {report['segments']['total']}")


def main() -> int:
    """Print one line per template."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated template names")
    args = ap.parse_args()
    if not DOC.joinpath("ieeetran").exists():
        print(f"{DOC}: no publishers' samples here (apt-get install texlive-publishers-doc)", file=sys.stderr)
        return 2
    names = [n for n in TEMPLATES if not args.only or n in args.only.split(",")]
    with Standin(FAKE_SLOPPY="0.3") as llm, tempfile.TemporaryDirectory(prefix="bench-templates-") as tmp:
        for name in names:
            tree = build_tree(name, TEMPLATES[name], Path(tmp) / "src")
            line = "files missing" if tree is None else run_one(tree, Path(tmp) / "out" / name, llm.base_url,
                                                                not args.no_compile)
            print(f"{name:<14} {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
