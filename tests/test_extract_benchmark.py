"""benchmarks/extraction.py scores any folder in the sets' formats (folders written here)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

STORY = " ".join(
    f"Sentence {i} of the report says the harbour bridge vote passed after a long debate."
    for i in range(12)
)
MORE = " ".join(f"Line {i} tells what the mayor said about the cost of it." for i in range(9))


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extraction_bench",
                                                  ROOT / "benchmarks" / "extraction.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["extraction_bench"] = module
    spec.loader.exec_module(module)
    return module


def _page(title: str, author: str, date: str) -> bytes:
    # The author is shown on the page too: a name given only in JSON-LD is taken for a
    # CMS account and left out (newsarchive.extract.metadata._on_page).
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": title, "datePublished": date,
                     "author": {"@type": "Person", "name": author}})
    return (f"<html lang='en'><head><title>{title} | Example</title>"
            f"<script type='application/ld+json'>{ld}</script></head><body><article>"
            f"<h1>{title}</h1><p>{STORY}</p><p>{MORE}</p></article>"
            f"<footer><span class='author-name'>{author}</span></footer></body></html>").encode()


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _harness()


def test_metrics(bench: ModuleType) -> None:
    assert bench.body_f1("a b c d e", "a b c d e") == 1.0
    assert bench.body_f1("a b c d", "w x y z") == 0.0
    assert bench.name_set("Jane Doe; John Roe") == bench.name_set(["john roe", "Jane  Doe"])
    assert bench.name_set("") == frozenset()
    snippets = bench.Snippets()
    snippets.add("one two three", {"with": ["one two", "four"], "without": ["three"]})
    assert (snippets.tp, snippets.fn, snippets.fp) == (1, 1, 1)
    assert snippets.f1() == 0.5


def test_scores_another_folder(tmp_path: Path, bench: ModuleType,
                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "html").mkdir()
    url = "https://news.example.com/2021/05/04/bridge"
    (tmp_path / "html" / "p1.html.gz").write_bytes(
        gzip.compress(_page("Bridge vote passes", "Jane Doe", "2021-05-04T10:00:00+02:00")))
    (tmp_path / "ground-truth.json").write_text(json.dumps(
        {"p1": {"url": url, "articleBody": f"{STORY}\n{MORE}"}}))
    (tmp_path / "eval_default.json").write_text(json.dumps(
        {url: {"file": "p1.html", "date": "2021-05-04"}}))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "p1.html.gz").write_bytes((tmp_path / "html" / "p1.html.gz")
                                                   .read_bytes())
    (tmp_path / "evaldata.json").write_text(json.dumps(
        {url: {"file": "p1.html", "with": ["Sentence 3 of the report"],
               "without": ["Example"], "title": "Bridge vote passes", "author": "Jane Doe"}}))
    assert bench.main(["--corpora", str(tmp_path), "--no-reference", "--failures"]) == 0
    out = capsys.readouterr().out
    assert "aeb (1 pages)" in out and "htmldate (1 pages)" in out
    lines = {line.split()[0] + " " + line.split()[1]: line.split() for line in out.splitlines()
             if line.startswith("  ") and len(line.split()) > 3}
    assert lines["body F1"][2] == "1.000"
    assert lines["date accuracy"][2] == "1.000"
    assert lines["snippet F1"][2] == "1.000"
    assert lines["title exact"][2] == "1.000"
    assert lines["author match"][2] == "1.000"


def test_refused_label_names(bench: ModuleType) -> None:
    page = (b"<html><head><meta property='og:site_name' content='Harbour Times'></head>"
            b"<body><article><h1>Bridge vote</h1><p>By Jane Doe</p></article></body></html>")
    url = "https://www.harbourtimes.example/2021/05/04/bridge"
    names = ["Jane Doe", "Harbour Times", "Redaktion", "Harbour Times and AFP", "Rodolfo Costa."]
    assert bench.refused_names(page, url, names) == [
        "Harbour Times", "Harbour Times and AFP", "Redaktion"]
    assert bench.label_names("Jane Doe; John  Roe, PhD") == ["Jane Doe", "John Roe", "PhD"]


def test_no_set_found(tmp_path: Path, bench: ModuleType) -> None:
    assert bench.main(["--corpora", str(tmp_path), "--no-reference"]) == 1


def test_shards_split_a_set(tmp_path: Path, bench: ModuleType,
                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "html").mkdir()
    truth = {}
    for i in range(6):
        name = f"page{i}"
        (tmp_path / "html" / f"{name}.html.gz").write_bytes(gzip.compress(
            _page("Bridge vote passes", "Jane Doe", "2021-05-04T10:00:00+02:00")))
        truth[name] = {"url": f"https://news.example.com/2021/05/04/b{i}",
                       "articleBody": f"{STORY}\n{MORE}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    counts = []
    for shard in ("0/2", "1/2"):
        assert bench.main(["--corpora", str(tmp_path), "--no-reference", "--shard", shard]) == 0
        head = next(line for line in capsys.readouterr().out.splitlines() if "aeb (" in line)
        counts.append(int(head.split("(")[1].split()[0]))
    # zlib.crc32 of "page0".."page5" modulo 2: 1, 1, 1, 1, 0, 0
    assert counts == [2, 4]
    with pytest.raises(SystemExit):
        bench.main(["--corpora", str(tmp_path), "--shard", "2/2"])


def test_shared_dateparser_state_is_built_before_timing() -> None:
    # a fresh interpreter: another test may already have built dateparser's locales here
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('bench', "
        f"{str(ROOT / 'benchmarks' / 'extraction.py')!r})\n"
        "module = sys.modules['bench'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "from dateparser.languages.loader import default_loader\n"
        "before = len(default_loader._loaded_locales)\n"
        "module.warm_shared_state()\n"
        "print(before, len(default_loader._loaded_locales))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    before, after = map(int, result.stdout.split())
    assert before == 0
    assert after > 100
