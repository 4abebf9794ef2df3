"""Sources files: a file that lists nothing is refused at once, like any other bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.sources import SourcesError, load_sources


@pytest.mark.parametrize("text", [
    "name,homepage,feeds,sitemaps,language\n",
    "\ufeffname,homepage,feeds,sitemaps,language\n\n# Example,https://example.com/,,,en\n",
])
def test_a_header_without_rows_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sources.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert str(caught.value) == f"{path}: no source: the file has a header but no row"


def test_one_row_is_enough(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("name,homepage,feeds,sitemaps,language\n"
                    "Example,https://example.com/,https://example.com/feed,,en\n")
    [source] = load_sources(path)
    assert (source.name, source.feeds, source.sitemaps) == (
        "Example", ("https://example.com/feed",), ())
