"""Datelines, credit lines and wire services.

A wire story opens with a dateline, "WILMINGTON, Delaware (AP) –", "Berlin (dpa) -",
"MADRID, 5 dic (EFE) -", and often closes with credit lines, "Associated Press writer X
contributed to this report.", "Reporting by X; Editing by Y", "-- dpa", "(AFP)",
"Mit Material von dpa", "Avec AFP", "Con información de EFE". This module splits both off
the body and names the wire service they credit. A story that merely quotes a wire
mid-text ("…, the Associated Press reported.") is not tagged: only the dateline at the
start and credit lines at the end count.

Wire names are normalised to the agencies' own short forms (:data:`WIRE_ALIASES`); a
dateline crediting several agencies ("Genf (dpa/AFP) -") gives them joined by "/" in
their order ("dpa/AFP").

Sources of the shapes: the seed page (AP dateline and contributors paragraph), the
syndication corpus (AP datelines with em dash, "Associated Press writer … contributed to
this report."), and the agencies' house styles: AP ("CITY (AP) —"), Reuters ("CITY
(Reuters) -", "Reporting by …; Editing by …"), AFP ("PARIS, 12 mars (AFP) -", "(AFP)",
"Avec AFP"), dpa ("Berlin (dpa) -", "-- dpa", "Mit Material von dpa"), EFE ("MADRID, 5 dic
(EFE) -", "Con información de EFE"), UPI ("NEW YORK (UPI) --"), PA ("LONDON (PA) -"),
MTI ("(MTI)", "Forrás: MTI").

All functions are pure, accept any ``str`` and never raise; patterns are compiled once.
"""

from __future__ import annotations

import re

from newsarchive.clean.boilerplate import MONTH_WORDS

__all__ = [
    "WIRE_ALIASES",
    "detect_wire_source",
    "find_wires",
    "is_credit_line",
    "normalize_wire",
    "split_credits",
    "split_dateline",
]

#: Canonical wire name -> spellings. Acronyms of two or three letters are matched with
#: their case as given (so "(AP)" is the agency, "(ap)" or "Ap" is not); longer names and
#: full names match regardless of case.
WIRE_ALIASES: dict[str, tuple[str, ...]] = {
    "AP": ("AP", "The Associated Press", "Associated Press"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "l'AFP", "l’AFP"),
    "UPI": ("UPI", "United Press International"),
    "dpa-AFX": ("dpa-AFX",),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "PA": ("PA", "PA Media", "PA Wire", "Press Association"),
    "EFE": ("EFE", "Efe", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Xinhua": ("Xinhua",),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "APA": ("APA", "Austria Presse Agentur"),
    "SDA": ("SDA", "Keystone-SDA", "sda"),
    "KNA": ("KNA",),
    "epd": ("epd",),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("CP", "The Canadian Press", "Canadian Press"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS",),
    "ANI": ("ANI",),
    "Yonhap": ("Yonhap",),
    "TASS": ("TASS",),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti",),
    "MTI": ("MTI",),
    "Europa Press": ("Europa Press",),
    "ANP": ("ANP",),
    "Belga": ("Belga",),
    "Anadolu": ("Anadolu", "Anadolu Agency", "AA"),
    "ČTK": ("ČTK", "CTK"),
    "PAP": ("PAP",),
    "Lusa": ("Lusa",),
    "NTB": ("NTB",),
    "Ritzau": ("Ritzau",),
}


def _alias_pattern() -> str:
    """One alternation of all spellings, longest first, acronyms case-sensitive."""
    parts: list[str] = []
    for aliases in WIRE_ALIASES.values():
        for alias in aliases:
            esc = re.escape(alias).replace(r"\ ", r"\s+")
            short = len(alias) <= 3 and alias.isalpha()
            parts.append(esc if short else f"(?i:{esc})")
    parts.sort(key=len, reverse=True)
    return "|".join(parts)


_WIRE = _alias_pattern()
_LOOKUP_EXACT: dict[str, str] = {}
_LOOKUP_FOLD: dict[str, str] = {}
for _canon, _aliases in WIRE_ALIASES.items():
    for _alias in _aliases:
        if len(_alias) <= 3 and _alias.isalpha():
            _LOOKUP_EXACT[_alias] = _canon
        else:
            _LOOKUP_FOLD[" ".join(_alias.split()).casefold()] = _canon

# A wire list: "dpa", "dpa/AFP", "AFP, Reuters", "dpa und AFP", "Reuters y EFE".
_WIRE_LIST = rf"(?:{_WIRE})(?:\s*(?:/|,|&|\+|\band\b|\bund\b|\bet\b|\by\b|\bés\b)\s*(?:{_WIRE}))*"
_WIRE_FIND_RE = re.compile(rf"(?<![\w-])(?:{_WIRE})(?![\w-])")
_LIST_SPLIT_RE = re.compile(r"\s*(?:/|,|&|\+|\band\b|\bund\b|\bet\b|\by\b|\bés\b)\s*")


def normalize_wire(name: str) -> str | None:
    """Canonical wire name for ``name`` (str), or None if it names no known wire.

    "Associated Press" -> "AP", "Agence France-Presse" -> "AFP", "DPA" -> "dpa";
    "dpa/AFP" -> "dpa/AFP" (several agencies, "/"-joined in order). Every part must be a
    known agency.
    """
    if not isinstance(name, str):
        return None
    parts = [p for p in _LIST_SPLIT_RE.split(name.strip().strip("()[]")) if p]
    if not parts or len(parts) > 5:
        return None
    out: list[str] = []
    for part in parts:
        p = " ".join(part.split())
        canon = _LOOKUP_EXACT.get(p) or _LOOKUP_FOLD.get(p.casefold())
        if canon is None and p.casefold().startswith("the "):
            canon = _LOOKUP_FOLD.get(p.casefold()[4:])
        if canon is None:
            return None
        if canon not in out:
            out.append(canon)
    return "/".join(out)


def find_wires(text: str) -> list[str]:
    """Canonical names of every known wire mentioned in ``text`` (str), in order, unique."""
    out: list[str] = []
    if not isinstance(text, str):
        return out
    for m in _WIRE_FIND_RE.finditer(text[:5000]):
        canon = normalize_wire(m.group(0))
        if canon and canon not in out:
            out.append(canon)
    return out


# --- datelines ------------------------------------------------------------------------------
_DASH = r"(?:--|[-–—‒―])"
# "WILMINGTON, Delaware (AP) –", "MADRID, 5 dic (EFE) -", "Genf (dpa/AFP) -".
_WIRE_DATELINE_RE = re.compile(
    rf"^(?P<loc>[^\W\d_][\w.,'’ /-]{{0,70}}?)\s*\((?P<src>[^()\n]{{1,40}})\)"
    rf"(?:\s*(?P<dash>{_DASH})(?=\s|$)|(?=\s+[^\W\d_]))"
)
# "LONDON —", "SIOUX FALLS, S.D. –", "CLEVELAND, Ohio –": an all-caps place and a dash.
_CAPS_WORD = r"[A-ZÀ-ÖØ-ÞŐŰ][A-ZÀ-ÖØ-ÞŐŰ.'’-]+"
_LOCAL_DATELINE_RE = re.compile(
    rf"^(?P<loc>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,4}}"
    rf"(?:,\s*[A-ZÀ-ÖØ-Þ][\w.'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]*){{0,3}})?)"
    rf"\s+(?P<dash>{_DASH})(?=\s)"
)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# All-caps openers that are labels, not places.
_NOT_PLACES = _wordset(
    "WATCH UPDATE UPDATED BREAKING EXCLUSIVE EDITOR'S EDITOR’S NOTE VIDEO PHOTOS PHOTO LIVE "
    "OPINION ANALYSIS READ RELATED ADVERTISEMENT SPONSORED FILE CORRECTION DEAR ABBY Q A "
    "NEW: URGENT FLASH ALERT SPOILER WARNING TRIGGER REVIEW INTERVIEW PODCAST FACT CHECK "
    "OK OMG LOL FAQ TL;DR PS P.S. NB N.B. WARNING: BULLETIN RECAP PREVIEW"
)
_LOC_SMALL_WORDS = _wordset(
    "de del la le les am an im a à sur upon on of the du des di da bei y el van von "
    "ene jan feb mar abr apr may mai jun juin jul juil ago aug août sep sept set oct okt "
    "nov dic dec déc dez janv févr avr"
)


def _plausible_place(loc: str) -> bool:
    """Words of a dateline place: capitalised, numbers (dates) or small/month words."""
    words = loc.replace(",", " ").replace("/", " ").split()
    if not words or len(words) > 8 or not words[0][:1].isupper():
        return False
    for w in words:
        core = w.strip(".'’-")
        if not core:
            continue
        folded = core.casefold()
        if core[:1].isupper() or core.isdigit() or folded in _LOC_SMALL_WORDS:
            continue
        if folded in MONTH_WORDS:
            continue
        return False
    return True


def split_dateline(text: str) -> tuple[str | None, str | None, str]:
    """Split a dateline off the start of ``text`` (str).

    Returns ``(dateline, wire_source, rest)``: the dateline as written, with its dash
    ("WILMINGTON, Delaware (AP) –"), or None; the canonical wire it names ("AP"), or None
    for a local dateline ("LONDON —") or an unknown source ("WASHINGTON (CNN) —"); and the
    text after it (the rest of the first line joined to the following lines).

    A parenthesised source needs a dash after it unless it is a known wire; a dateline
    without a source needs an all-caps place ("LONDON", "SIOUX FALLS, S.D.") and a dash.
    """
    if not isinstance(text, str):
        return None, None, ""
    stripped = text.lstrip()
    first, sep, tail = stripped.partition("\n")
    head = first[:160]
    m = _WIRE_DATELINE_RE.match(head)
    if m and _plausible_place(m.group("loc")):
        wire = normalize_wire(m.group("src"))
        loc_first = m.group("loc").split()[0].strip(",")
        caps_place = len(loc_first) >= 2 and loc_first.isupper()
        if wire is not None or (m.group("dash") and caps_place):
            dateline = first[: m.end()].strip()
            rest = first[m.end() :].strip()
            return dateline, wire, _join(rest, tail)
    m = _LOCAL_DATELINE_RE.match(head)
    if m:
        loc = m.group("loc")
        first_word = loc.split()[0].strip(",")
        if (
            first_word not in _NOT_PLACES
            and loc.split(",")[0].strip() not in _NOT_PLACES
            and sum(c.isalpha() for c in first_word) >= 2
        ):
            dateline = first[: m.end()].strip()
            rest = first[m.end() :].strip()
            if rest:
                return dateline, None, _join(rest, tail)
    return None, None, stripped if sep else first


def _join(rest: str, tail: str) -> str:
    if rest and tail:
        return rest + "\n" + tail
    return rest or tail


# --- credits --------------------------------------------------------------------------------
_MAX_CREDIT_LINE = 600
# Source per alternative: AP/seed/synd ("… contributed to this report."), NYT ("X
# contributed reporting from Hong Kong."), Reuters ("Reporting by X; Editing by Y",
# "(Reporting by …)", "Additional reporting by …", "Writing by …", "Compiled by …").
_CONTRIBUTED_RE = re.compile(
    r"\bcontribut(?:ed|es|ing)\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article)\b"
    r"|\bcontributed\s+(?:additional\s+)?(?:reporting|research)\b"
    r"|\bcontributed\s+to\s+(?:this\s+)?reporting\b",
    re.IGNORECASE,
)
_REPORTING_BY_RE = re.compile(
    r"^[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|"
    r"graphics|translation|translated|production|additional\s+reporting)\s+by\b",
    re.IGNORECASE,
)
# Reuters house style: "Reporting by X; Editing by Y" (also "Writing by …; Editing by …").
_REUTERS_CREDIT_RE = re.compile(
    r"\b(?:reporting|writing)\s+by\b[^;]{1,200};.{0,300}\bediting\s+by\b", re.IGNORECASE
)
# "-- dpa", "(AFP)", "AFP", "(dpa/AFP)", "— Reuters".
_WIRE_ONLY_RE = re.compile(rf"^\s*(?:{_DASH}\s*)?[(\[]?\s*(?P<w>{_WIRE_LIST})\s*[)\]]?\s*\.?\s*$")
# A trailing "(MTI)" / "(AFP)" glued to the last paragraph.
_WIRE_TAIL_RE = re.compile(rf"\s+\((?P<w>{_WIRE_LIST})\)\s*$")
# Agency attributions: DE "Mit Material von dpa", "Mit Agenturmaterial", "Quelle: dpa";
# FR "Avec AFP", "Avec l'AFP", "(avec AFP)"; ES "Con información de EFE", "Fuente: EFE";
# HU "Forrás: MTI"; EN "Source: Reuters", "With reporting from AP", "With wire services".
_ATTRIBUTION_RE = re.compile(
    r"^[(\[]?\s*(?:"
    r"mit\s+material\s+(?:von|der|des|aus)\b|mit\s+agenturmaterial\b|material\s+von\b"
    rf"|quellen?\s*:\s*(?:{_WIRE_LIST})|agenturen\s*:"
    rf"|avec\s+(?:l[’']\s*)?(?:{_WIRE_LIST})|avec\s+(?:les\s+)?agences\b|source\s*:\s*(?:{_WIRE_LIST})"
    r"|con\s+informaci[óo]n\s+de\b|fuentes?\s*:|forrás\s*:"
    r"|with\s+(?:additional\s+)?(?:reporting|files?)\s+(?:from|by)\b|with\s+wire\s+services\b"
    r"|(?:wire|news)\s+services\s+contributed\b"
    r")",
    re.IGNORECASE,
)


def is_credit_line(line: str) -> bool:
    """True if ``line`` (str) is a contributor or agency credit (see module docstring)."""
    s = line.strip()
    if not s or len(s) > _MAX_CREDIT_LINE:
        return False
    if _WIRE_ONLY_RE.match(s):
        return True
    if len(s) <= 400 and (_REPORTING_BY_RE.match(s) or _ATTRIBUTION_RE.match(s)):
        return True
    return _CONTRIBUTED_RE.search(s) is not None


def _credits_wire(credit_lines: list[str]) -> str | None:
    """The wire a block of credit lines names, if any."""
    text = "\n".join(credit_lines)
    wires = find_wires(text)
    if wires:
        return "/".join(wires)
    if _REUTERS_CREDIT_RE.search(text):
        return "Reuters"
    return None


def split_credits(text: str) -> tuple[str | None, str | None, str]:
    """Split credit lines off the end of ``text`` (str).

    Returns ``(credits, wire_source, rest)``: the credit lines, newline-joined in body
    order, or None; the wire they name (canonical, e.g. "AP" from "Associated Press
    writers … contributed to this report", "Reuters" from the Reuters "Reporting by …;
    Editing by …" style), or None; and the body without them. Lines are taken from the
    end while they are credits; a trailing "(AFP)"-style tag glued to the last paragraph
    is split off as a credit of its own.
    """
    if not isinstance(text, str):
        return None, None, ""
    lines = text.rstrip().split("\n")
    taken: list[str] = []
    while lines:
        last = lines[-1].strip()
        if not last:
            lines.pop()
            continue
        if is_credit_line(last):
            taken.append(last)
            lines.pop()
            continue
        m = _WIRE_TAIL_RE.search(last[-80:])
        if m and not taken:
            tag = last[-80:][m.start() :].strip()
            lines[-1] = last[: len(last) - len(last[-80:]) + m.start()].rstrip()
            taken.append(tag)
        break
    if not taken:
        return None, None, text
    taken.reverse()
    return "\n".join(taken), _credits_wire(taken), "\n".join(lines)


def detect_wire_source(
    text: str, *, dateline: str | None = None, credits: str | None = None
) -> str | None:
    """The wire service a story comes from, or None.

    Args:
        text: the body (str); only its dateline (start) and credit lines (end) count,
            never a wire quoted mid-text ("…, the Associated Press reported.").
        dateline: an already split dateline (str | None), checked first.
        credits: already split credit lines (str | None), checked next.

    Returns:
        The canonical name ("AP", "Reuters", "dpa/AFP", …) or None.
    """
    if dateline:
        _, wire, _ = split_dateline(dateline + " x")
        if wire:
            return wire
    if credits:
        wire = _credits_wire(credits.split("\n"))
        if wire:
            return wire
    if not isinstance(text, str):
        return None
    _, wire, rest = split_dateline(text)
    if wire:
        return wire
    _, wire, _ = split_credits(rest)
    return wire
