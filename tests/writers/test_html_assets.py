"""``--offline-assets``: images and stylesheets fetched from (a local fake of) arXiv, once, politely."""

from __future__ import annotations

import json
import re

import pytest
from conftest import CORPUS
from fake_arxiv import FakeArxiv

from arxiv_translator.cli import main

PAPER = "2404.10198v1"
PAGE = CORPUS / "arxiv" / PAPER / "paper.html"
CSS = "/static/browse/0.3.4/css/ar5iv_0.7.4.min.css"
MISSING_CSS = "/static/browse/0.3.4/css/latexml_styles.css"


def images() -> list[str]:
    page = PAGE.read_text(encoding="utf-8")
    return [src for src in re.findall(r'<img[^>]*\bsrc="([^"]+)"', page) if not src.startswith(("data:", "http"))]


def translate(tmp_path, name: str) -> tuple[int, dict, str]:
    out = tmp_path / name
    code = main(["translate", PAPER, "--source", "html", "--engine", "pseudo", "--offline-assets", "--quiet",
                 "--out", str(out)])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return code, report, (out / "paper.ko.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not PAGE.is_file(), reason="no shared corpus")
def test_offline_assets_are_downloaded_once_and_linked_locally(tmp_path, monkeypatch):
    with FakeArxiv() as fake:
        for key, value in fake.env(interval=0.2, downloads=tmp_path / "downloads").items():
            monkeypatch.setenv(key, value)
        for i, src in enumerate(images()):
            fake.files[f"/html/{PAPER}/{src}"] = b"\x89PNG fake image " + bytes([i])
        fake.files[CSS] = b".ltx_page_main{background:url(../images/paper.png)} .x{background:url(data:,)}"
        fake.files["/static/browse/0.3.4/images/paper.png"] = b"\x89PNG background"
        code, report, page = translate(tmp_path, "one")
        first = [r.path for r in fake.requests]
        code2, report2, page2 = translate(tmp_path, "two")
        second = [r.path for r in fake.requests][len(first):]
        gaps = fake.gaps()[: len(first) - 1]
        agents = {r.user_agent for r in fake.requests}
    out = tmp_path / "one"
    assert code == code2 == 0
    for i, src in enumerate(images()):
        local = out / "paper.ko_files" / "html" / PAPER / src
        assert local.read_bytes() == b"\x89PNG fake image " + bytes([i])
        assert f'src="paper.ko_files/html/{PAPER}/{src}"' in page
    assert (out / "paper.ko_files" / CSS.lstrip("/")).is_file()
    assert (out / "paper.ko_files" / "static/browse/0.3.4/images/paper.png").read_bytes() == b"\x89PNG background"
    assert f'href="paper.ko_files{CSS}"' in page
    assert f'href="https://arxiv.org{MISSING_CSS}"' in page  # not on the server: the link stays
    assert 'href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.0/dist/css/bootstrap.min.css"' in page  # other host
    assets = report["output_info"]["html"]["assets"]
    assert assets["downloaded"] == len(images()) + 2 and assets["missing"] == 1 and assets["remote"] >= 2
    assert any("could not be downloaded" in w for w in report["warnings"])
    # politely: one at a time, the interval apart, saying who asks; and once: the second run asks nothing
    assert min(gaps) >= 0.15 and all(a.startswith("arxiv-translator/") for a in agents)
    assert sum(p.startswith(("/html/", "/static/")) for p in first) == len(images()) + 4  # page + assets
    assert second == [] and report2["output_info"]["html"]["assets"]["requests"] == 0
    assert page2 == page


def test_without_an_arxiv_id_the_page_keeps_its_links(tmp_path):
    source = tmp_path / "page.html"
    source.write_text('<html><head><title>T</title></head><body><article><p class="ltx_p">Some text here.</p>'
                      '<img src="x1.png"></article></body></html>', encoding="utf-8")
    code = main(["translate", str(source), "--engine", "pseudo", "--offline-assets", "--quiet",
                 "--out", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and any(w.startswith("--offline-assets: the page names no arXiv id") for w in report["warnings"])
    assert 'src="x1.png"' in (tmp_path / "out" / "paper.ko.html").read_text(encoding="utf-8")
    assert not (tmp_path / "out" / "paper.ko_files").exists()
