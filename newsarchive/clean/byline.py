"""A byline line at the start of a body: "By Jane Doe", "Von Hans Meier, 12.03.2021".

Extractors keep the byline paragraph that templates set between the headline and the
story (``<p>By Jane Doe</p>``) as the body's first line, so every text analysis and the
syndication shingles see the writer's name as story text. :func:`split_byline` takes
such a line off the body's start, as :func:`~newsarchive.clean.wire.split_dateline` does
the dateline.

A line is a byline when it has the shape bylines share in the languages the author
extraction reads (:mod:`newsarchive.extract.metadata`): a lead-in word ("By", "Von",
"Par", "Por", "Di", "Door", "Av", "Af", also "Written by", "Posted by", "Text:") followed
by names only, optionally followed, after a separator, by the writer's role or
affiliation and a date or time ("By Jane Doe, Associated Press | March 3, 2021, 10:00
a.m."). A sentence that begins with such a word ("By the time the rescue arrived, …",
"Von Berlin aus …", "Par la suite, …") is never one; the rule that tells them apart is
stated in :func:`is_byline_line`.

All functions are pure, accept any ``str`` and never raise; patterns are compiled once.
"""

from __future__ import annotations

import re

from newsarchive.clean.boilerplate import MONTH_WORDS
from newsarchive.clean.wire import WIRE_ALIASES

__all__ = ["MAX_BYLINE_CHARS", "MAX_BYLINE_WORDS", "NAME_PARTICLES", "byline_names",
           "is_byline_line", "split_byline"]

#: Longest byline line, characters: a byline with a role and a date runs to about 100
#: ("By Jane Doe and John Roe, Associated Press | Updated March 3, 2021, 10:00 a.m.
#: EST"); a longer line is a paragraph.
MAX_BYLINE_CHARS = 160
#: Most words of a byline line (the same example has 17).
MAX_BYLINE_WORDS = 24
#: Body lines looked at: a byline stands right under the headline, at most after a lead
#: (standfirst) paragraph or a kicker the extractor kept.
_BYLINE_LINES = 2

#: The lead-in: the byline words of the languages the author extraction reads (English,
#: German, French, Spanish/Portuguese, Italian, Dutch, Scandinavian), as capitalised
#: words or in capitals, with an optional colon. Lower-case "by" is taken too: CMSs write
#: "by Jane Doe" as a line of its own, and no paragraph of prose opens with it.
_LEAD = re.compile(
    r"^[\s|·•–—-]*(?:(?:Written|Posted|Reported|Story|Text|Words)\s+(?:by|By|BY)"
    r"|WRITTEN\s+BY|POSTED\s+BY|By|BY|by|Von|VON|Par|PAR|Por|POR|Di|DI|Door|DOOR|Av|AV|Af|AF"
    r"|Text|TEXT|Texte|Texto)\s*:?\s+"
)
#: Between a name and the next one: a comma, "&" or "and" in the same languages.
_NAME_JOIN = re.compile(
    r"\s*(?:,|&|\s(?:and|AND|und|UND|et|ET|y|Y|e|E|en|EN|og|OG|och|OCH)\s)\s*")
#: Where the names end and a role, affiliation or date begins: a separator, or a word
#: that opens a date ("on", "am", "le", "el", "il", "um", "at", "op", "den", "el").
_TAIL_START = re.compile(
    r"\s*(?:[|·•/–—(]|\s-\s|:)\s*|\s+(?:on|On|am|le|el|il|um|at|op|den|updated|Updated"
    r"|published|Published|aktualisiert|Aktualisiert)\s+")
#: Lower-case words that belong to names ("Ursula von der Leyen", "Jose de la Cruz").
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "del", "della", "da", "di",
                            "du", "la", "le", "dos", "das", "do", "bin", "ibn", "al", "el",
                            "zu", "ten", "ter", "y"})
#: Wire services that sign alone ("By Reuters", "Von dpa", "Par AFP").
_WIRES = frozenset(alias.lower() for aliases in WIRE_ALIASES.values() for alias in aliases)
#: Lower-case words of dates and times in a byline's tail ("3 hours ago", "10:00 a.m.",
#: "14 Uhr", "il y a 2 heures"), besides month names (:data:`MONTH_WORDS`) and numbers.
_TIME_WORDS = frozenset({
    "ago", "am", "pm", "a.m.", "p.m.", "a.m", "p.m", "uhr", "h", "min", "mins", "minutes",
    "hour", "hours", "day", "days", "vor", "stunden", "minuten", "tagen", "il", "y", "a",
    "heures", "hace", "horas", "minutos", "fa", "ore", "minuti", "geleden", "uur", "et",
    "est", "edt", "cet", "cest", "gmt", "utc", "bst", "pt", "pst", "pdt", "updated",
    "published", "aktualisiert", "veröffentlicht", "à", "jour", "le", "el", "um", "on",
    "at", "de", "del", "read", "lesezeit",
})
#: A sentence's end: the line's last character, unless that ends an initial or an
#: abbreviation (:data:`_ABBREVIATION`).
_SENTENCE_END = frozenset(".!?…")
#: The last word of a byline that ends in a full stop without ending a sentence: an
#: initial ("Jane Q."), a name suffix or company form ("Jr.", "Inc."), a dotted
#: abbreviation ("a.m.").
_ABBREVIATION = re.compile(r"(?:^|\s)(?:\w\.|(?i:jr|sr|jun|sen|inc|ltd|co)\.|(?:\w\.){2,})$")


def _name_word(word: str) -> bool:
    """A word of a name: capitalised (or in capitals), an initial, or a name particle."""
    word = word.strip("'’\"“”")
    return bool(word) and (word[0].isupper() or word in NAME_PARTICLES)


#: Articles and determiners: a name does not begin with one, a heading in title case
#: does ("By The Numbers", "By Any Means", "Von Der Leine").
_NOT_NAME_START = frozenset({
    "the", "a", "an", "any", "all", "this", "that", "these", "those", "our", "my", "your",
    "every", "no", "der", "die", "das", "den", "dem", "ein", "eine", "einem", "einer",
    "les", "un", "une", "los", "las", "una", "uno", "het", "een"})


def _name(text: str) -> bool:
    """One name: two to four name words ("Jane Doe", "Ursula von der Leyen", "J. R. Roe")
    not opening with an article or determiner (:data:`_NOT_NAME_START`), or a wire
    service or an acronym signing alone ("Reuters", "AFP", "dpa")."""
    words = text.split()
    if " ".join(words).lower() in _WIRES:
        return True  # "The Associated Press", "Agence France-Presse"
    if not words or (len(words) > 1 and words[0].lower() in _NOT_NAME_START):
        return False
    if len(words) == 1:
        return len(words[0]) >= 2 and words[0].isupper()
    return len(words) <= 4 and all(_name_word(w) for w in words) and words[-1][0].isupper()


def _tail_word(word: str) -> bool:
    """A word of a byline's tail: capitalised (a role or an affiliation: "Staff Writer",
    "Associated Press"), a number, date or time, a month name or another word of dates
    and times (:data:`_TIME_WORDS`), or a separator."""
    bare = word.strip(",.;:()[]|·•/–—-'’\"“”")
    if not bare:
        return True
    low = bare.lower()
    return (bare[0].isupper() or any(ch.isdigit() for ch in bare) or low in MONTH_WORDS
            or low.rstrip(".") in MONTH_WORDS or low in _TIME_WORDS or low in NAME_PARTICLES)


def _parts(line: str) -> tuple[list[str], str] | None:
    """``(names, tail)`` of a byline line, or None when ``line`` is not one (see
    :func:`is_byline_line`)."""
    text = " ".join(line.split())
    if not text or len(text) > MAX_BYLINE_CHARS or len(text.split()) > MAX_BYLINE_WORDS:
        return None
    lead = _LEAD.match(text)
    if lead is None:
        return None
    rest = text[lead.end():]
    if rest[-1:] in _SENTENCE_END and not _ABBREVIATION.search(rest):
        return None  # "By the end of the day, the vote was over."
    cut = _TAIL_START.search(rest)
    head, tail = (rest[:cut.start()], rest[cut.end():]) if cut is not None else (rest, "")
    # the names are the comma-separated entries of the head up to the first that is not
    # names ("Jane Doe, John Roe, Staff Writers": the rest is a role)
    entries = head.split(",")
    names: list[str] = []
    for count, entry in enumerate(entries):
        pieces = [p for p in _NAME_JOIN.split(entry.strip()) if p]
        if not pieces or not all(_name(piece) for piece in pieces):
            if count == 0:
                return None
            tail = ", ".join([*entries[count:], tail])
            break
        names.extend(pieces)
    if not all(_tail_word(word) for word in tail.split()):
        return None  # "By Sunday Morning, it was over": the rest is a sentence
    return names, tail


def is_byline_line(line: str) -> bool:
    """True if ``line`` (str) is a byline and nothing else.

    The rule: a lead-in word (:data:`_LEAD`), then one or more names (two to four words,
    each capitalised, in capitals, an initial or a name particle such as "von", "de la";
    or a wire service or acronym alone), joined by commas, "&" or "and"/"und"/"et"/...,
    then optionally, after a separator (comma, bar, dash, bullet, slash, colon or a date
    word "on"/"am"/"le"), a tail of capitalised words (a role or affiliation: "Staff
    Writer", "Associated Press"), numbers, month names and other date and time words
    ("3 hours ago", "10:00 a.m. EST"). At most :data:`MAX_BYLINE_CHARS` characters and
    :data:`MAX_BYLINE_WORDS` words, and no sentence end (a final ".", "!", "?" or "…"
    after anything but an initial or abbreviation). Prose that opens with a lead-in word
    fails on a lower-case word that is no particle ("By the time …", "Von Berlin aus",
    "Par la suite"), on a one-word "name" that is no wire or acronym ("By Monday, it
    was over"), or on its sentence end.
    """
    return _parts(line) is not None


def byline_names(line: str) -> str | None:
    """The names of byline ``line``, comma-joined ("Jane Doe, John Roe"), or None when
    ``line`` is not a byline (:func:`is_byline_line`)."""
    parts = _parts(line)
    return ", ".join(parts[0]) if parts is not None else None


def split_byline(text: str) -> tuple[str | None, str]:
    """Take a byline line off the start of a body.

    Args:
        text: body, one paragraph per line (str).

    Returns:
        ``(byline, rest)``: the first byline line (:func:`is_byline_line`) among the
        first two lines, as written, and the body without it; ``(None, text)`` when
        neither is one, or when the byline is the body's only line (then the page is no
        story with a byline).
    """
    if not isinstance(text, str) or not text:
        return None, text if isinstance(text, str) else ""
    lines = text.split("\n", _BYLINE_LINES)
    for index in range(min(_BYLINE_LINES, len(lines) - 1)):
        if is_byline_line(lines[index]):
            byline = lines[index].strip()
            return byline, "\n".join(lines[:index] + lines[index + 1:])
    return None, text
