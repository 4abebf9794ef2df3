"""News-specific cleaning of extracted article bodies.

:func:`clean_article` is what the cleaning pipeline calls. It runs, in order:

1. :func:`remove_boilerplate` — promo, ad, call-to-action, copyright, widget-heading and
   site-signature lines out (``newsarchive.clean.boilerplate``);
2. :func:`split_byline` — "By Jane Doe" off the first or second line
   (``newsarchive.clean.byline``);
3. a headline repeated above a dateline is dropped (page chrome);
4. :func:`split_dateline` — "WILMINGTON, Delaware (AP) –" off the start, or off the
   second line when the first is a lead (standfirst) paragraph above the story;
5. :func:`split_credits` — contributor and agency credit lines off the end;
6. :func:`remove_boilerplate` once more, for separators ("___") that the credits hid.

``wire_source`` comes from the dateline, else the credits, else a removed copyright
footer that names an agency ("Copyright 2019 The Associated Press. All rights
reserved."). A wire quoted mid-text never counts. An article without authors takes
the names of the byline line (normalized as the extractor's authors are).
"""

from __future__ import annotations

import dataclasses
import re

from newsarchive.clean.boilerplate import (
    is_boilerplate_line,
    is_signature_line,
    remove_boilerplate,
)
from newsarchive.clean.byline import byline_names, is_byline_line, split_byline
from newsarchive.clean.wire import (
    WIRE_ALIASES,
    detect_wire_source,
    find_wires,
    is_credit_line,
    normalize_wire,
    split_credits,
    split_dateline,
)
from newsarchive.items import Article

__all__ = [
    "WIRE_ALIASES",
    "CleanedBody",
    "byline_names",
    "clean_article",
    "clean_body",
    "detect_wire_source",
    "find_wires",
    "is_boilerplate_line",
    "is_byline_line",
    "is_credit_line",
    "is_signature_line",
    "normalize_wire",
    "remove_boilerplate",
    "split_byline",
    "split_credits",
    "split_dateline",
    "word_count",
]

_WORD_RE = re.compile(r"\w+")
_COPYRIGHT_RE = re.compile(r"^\W*(?:©|\(c\)|copyright)", re.IGNORECASE)
_TERMINAL = '.!?:;,"”’)'


def word_count(text: str) -> int:
    """Number of ``\\w+`` tokens in ``text`` (str), as :attr:`Article.word_count` counts."""
    return len(_WORD_RE.findall(text)) if isinstance(text, str) else 0


def _headline_like(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 200 and len(s.split()) <= 30 and s[-1] not in _TERMINAL


@dataclasses.dataclass(frozen=True)
class CleanedBody:
    """Result of :func:`clean_body`.

    Attributes:
        body: cleaned text, one paragraph per line.
        byline: byline line split off the start ("By Jane Doe"), as written, or None.
        dateline: dateline split off the start, as written, or None.
        wire_source: canonical wire name, or None.
        credits: credit lines split off the end, newline-joined, or None.
        removed_lines: boilerplate and chrome lines dropped (not the dateline or the
            credits, which keep their own fields).
        word_count: number of ``\\w+`` tokens in ``body``.
    """

    body: str
    dateline: str | None
    wire_source: str | None
    credits: str | None
    removed_lines: list[str]
    word_count: int
    byline: str | None = None


def clean_body(
    text: str,
    *,
    site_name: str | None = None,
    title: str | None = None,
    domain: str | None = None,
) -> CleanedBody:
    """Clean a body and split dateline and credits; the work behind :func:`clean_article`.

    Args:
        text: extracted main text, one paragraph per line (str).
        site_name, title, domain: as for :func:`remove_boilerplate` (str | None).

    Returns:
        :class:`CleanedBody`.
    """
    if not isinstance(text, str):
        text = ""
    body, removed = remove_boilerplate(text, site_name=site_name, title=title, domain=domain)
    byline, body = split_byline(body)

    lines = body.split("\n") if body else []
    # A headline (or other short chrome line) directly above the dateline: the page's
    # heading that the extractor kept (seed: the story title above "WILMINGTON, …").
    if len(lines) >= 2 and _headline_like(lines[0]) and split_dateline(lines[1])[0]:
        removed.append(lines[0])
        body = "\n".join(lines[1:])

    dateline, wire, body = split_dateline(body)
    lines = body.split("\n") if body else []
    if dateline is None and len(lines) >= 2:
        # A lead (standfirst) kept above the story: the dateline opens the line after it.
        dateline, wire, rest = split_dateline("\n".join(lines[1:]))
        if dateline is not None:
            body = f"{lines[0]}\n{rest}" if rest else lines[0]
    credits, credit_wire, body = split_credits(body)
    if credits is not None:
        body, more = remove_boilerplate(body, site_name=site_name, domain=domain)
        removed.extend(more)
    if wire is None:
        wire = credit_wire
    if wire is None:
        for line in removed:
            if _COPYRIGHT_RE.match(line):
                named = find_wires(line)
                if named:
                    wire = named[0]
                    break
    return CleanedBody(body, dateline, wire, credits, removed, word_count(body), byline)


def clean_article(article: Article) -> Article:
    """Return a cleaned copy of ``article`` (:class:`Article`); the input is not changed.

    Sets ``body`` (boilerplate out, one paragraph per line), ``dateline``,
    ``wire_source``, ``credits``, ``word_count`` (``\\w+`` tokens of the new body) and
    ``removed_lines`` (previous ``removed_lines`` plus the lines removed now, the byline
    line among them: :class:`Article` has no field of its own for it, and ``authors``
    already holds its names, see :func:`newsarchive.extract.extract_page`). Fields the
    body does not supply (``dateline``, ``wire_source``, ``credits``) keep the values the
    article already had.
    """
    out = clean_body(
        article.body or "",
        site_name=article.site_name,
        title=article.title,
        domain=article.domain,
    )
    return dataclasses.replace(
        article,
        body=out.body,
        dateline=out.dateline or article.dateline,
        wire_source=out.wire_source or article.wire_source,
        credits=out.credits or article.credits,
        word_count=out.word_count,
        removed_lines=[*article.removed_lines, *out.removed_lines,
                       *([out.byline] if out.byline else [])],
    )
