"""Start-up stays cheap: the command line and the package import no heavy library until it is used.

Each check runs in a fresh interpreter (this test process has imported everything already) and
lists the heavy modules found in ``sys.modules``.  The CPU targets themselves are measured by
``bench/bench_startup.py``, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: libraries a ``--help`` (or ``import arxiv_translator``) must not load
HEAVY = ("pymupdf", "fitz", "httpx", "httpcore", "sqlalchemy", "pandas", "pyarrow", "torch", "transformers", "ray",
         "jinja2", "pydantic", "pydantic_settings", "rich", "numpy", "onnxruntime", "charset_normalizer", "ftfy",
         "pylatexenc", "nh3", "fastapi", "starlette", "uvicorn", "psycopg", "anyio")


def loaded_after(code: str) -> list[str]:
    """The :data:`HEAVY` top-level modules present in ``sys.modules`` after running ``code`` in a fresh process."""
    probe = (f"import sys, json\n{code}\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import arxiv_translator",
    "import arxiv_translator.cli",
    "from arxiv_translator.cli import build_parser; build_parser()",
    "from arxiv_translator.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from arxiv_translator.cli import main\ntry:\n    main(['translate', '--help'])\nexcept SystemExit:\n    pass",
])
def test_cli_and_package_import_no_heavy_library(code: str) -> None:
    assert loaded_after(code) == []


def test_facade_names_still_import_on_use() -> None:
    """The lazy facade gives the same objects as their modules."""
    import arxiv_translator
    from arxiv_translator import config, pipeline

    assert arxiv_translator.Settings is config.Settings
    assert arxiv_translator.run is pipeline.run
    assert "Job" in dir(arxiv_translator)
    with pytest.raises(AttributeError):
        arxiv_translator.no_such_name  # noqa: B018


def test_pdf_figures_load_pymupdf_without_its_layout_model() -> None:
    """Rasterising a figure needs PyMuPDF, not the ONNX layout model that ``import pymupdf`` would set up;
    the options pymupdf4llm's import would set are set anyway (the PDF outputs rely on them)."""
    code = ("from arxiv_translator.writers.bilingual import figures\nfigures._mupdf()\nimport pymupdf\n"
            "print(json.dumps([sorted(m for m in sys.modules if 'layout' in m or 'onnx' in m or 'pymupdf4llm' in m), "
            "pymupdf._get_layout is None, pymupdf.TOOLS.unset_quad_corrections()]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "import sys, json\n" + code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [[], True, True]


def test_layout_model_still_loads_when_asked() -> None:
    """The PDF reader's opt-in model classifier imports ``pymupdf.layout`` itself, after the bare import."""
    pytest.importorskip("pymupdf.layout")
    code = ("from arxiv_translator.mupdf import pymupdf\nassert 'pymupdf.layout' not in sys.modules\n"
            "import pymupdf.layout\nprint(json.dumps(callable(pymupdf._get_layout)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "import sys, json\n" + code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) is True


def test_httpx_comes_without_its_cli_and_httpcore_without_trio() -> None:
    """The engines' HTTP path loads httpx and httpcore, not httpx's CLI (click, rich) nor trio."""
    code = ("import asyncio\nfrom arxiv_translator.llm.http import HttpService\n"
            "async def go():\n    s = HttpService('t', 'http://127.0.0.1:9', 5.0)\n"
            "    try:\n        await s.post('/x', headers={})\n    except Exception:\n        pass\n"
            "    await s.aclose()\nasyncio.run(go())\n"
            "print(json.dumps(sorted(m for m in ('httpx', 'httpcore', 'httpx._main', 'trio', 'click', 'rich') "
            "if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "import sys, json\n" + code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["httpcore", "httpx"]


def test_settings_without_environment_variables_do_not_load_pydantic_settings() -> None:
    """pydantic-settings (~60 ms) reads ``ARXIV_TRANSLATOR_*`` variables; a run that sets none never imports it."""
    code = ("from arxiv_translator.config import Settings, load_settings\nimport arxiv_translator.pipeline\n"
            "load_settings(engine='pseudo'); Settings(engine='pseudo')\n"
            "print(json.dumps('pydantic_settings' in sys.modules))")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ARXIV_TRANSLATOR_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", "import sys, json\n" + code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False


def test_the_bilingual_writer_loads_pymupdf_only_to_rasterise_a_figure(tmp_path) -> None:
    """PyMuPDF (~0.15 s) comes with the first figure it rasterises, not with the writers: a page whose
    figures are small PNGs (inlined as they are) never loads it, nor does a PDF figure that poppler renders
    (a page with few of them, see figures.POPPLER_MAX_FIGURES); an SVG figure does."""
    import shutil

    from arxiv_translator.mupdf import pymupdf

    pdf = pymupdf.open()
    pdf.new_page(width=100, height=50).draw_rect(pymupdf.Rect(10, 10, 40, 40), color=(1, 0, 0))
    pdf.save(tmp_path / "fig.pdf")
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    pix.save(tmp_path / "small.png")
    (tmp_path / "fig.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
                                      '<rect x="5" y="5" width="20" height="20" fill="blue"/></svg>', encoding="utf-8")
    code = ("from arxiv_translator.writers import writers_for\nwriters_for('latex')\n"
            "from arxiv_translator.writers.bilingual.figures import FigureInliner\n"
            f"f = FigureInliner({str(tmp_path)!r})\nseen = [f.figure('small.png').kind, 'pymupdf' in sys.modules]\n"
            "seen += [f.figure('fig.pdf').kind, 'pymupdf' in sys.modules]\n"
            "seen += [f.figure('fig.svg').kind, 'pymupdf' in sys.modules]\nprint(json.dumps(seen))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "import sys, json\n" + code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    poppler = shutil.which("pdftoppm") is not None and shutil.which("pdfinfo") is not None
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["img", False, "img", not poppler, "img", True]


@pytest.mark.parametrize("preset, plugins_off", [(None, True), ("", False), ("__all__", True)])
def test_the_command_loads_no_pydantic_plugin_unless_asked(preset, plugins_off) -> None:
    """The command sets ``PYDANTIC_DISABLE_PLUGINS`` before pydantic loads (scanning every installed
    distribution for plugins cost ~6 ms), and keeps a value the user set, even an empty one."""
    probe = ("import os, sys\n"
             "from arxiv_translator.cli import main\n"
             "try:\n    main(['schema', 'report'])\nexcept SystemExit:\n    pass\n"
             "from pydantic.plugin import _loader\n"
             "print('OFF' if _loader._plugins is None else 'SCANNED', file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(ROOT)
    if preset is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = preset
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == ("OFF" if plugins_off else "SCANNED")
