"""Datelines, credits and wire names: newsarchive.clean.wire."""

from __future__ import annotations

import pytest

from newsarchive.clean import (
    detect_wire_source,
    find_wires,
    normalize_wire,
    split_credits,
    split_dateline,
)


@pytest.mark.parametrize(
    ("text", "dateline", "wire", "rest"),
    [
        (
            "WILMINGTON, Delaware (AP) – Presidents spoke.",
            "WILMINGTON, Delaware (AP) –",
            "AP",
            "Presidents spoke.",
        ),
        (
            "WASHINGTON (Reuters) - The Senate voted.",
            "WASHINGTON (Reuters) -",
            "Reuters",
            "The Senate voted.",
        ),
        (
            "PARIS (AFP) — Le gouvernement a annoncé.",
            "PARIS (AFP) —",
            "AFP",
            "Le gouvernement a annoncé.",
        ),
        (
            "BERLIN (dpa) - Die Regierung hat beschlossen.",
            "BERLIN (dpa) -",
            "dpa",
            "Die Regierung hat beschlossen.",
        ),
        ("LONDON (PA) - Ministers met.", "LONDON (PA) -", "PA", "Ministers met."),
        ("NEW YORK (UPI) -- Stocks rose.", "NEW YORK (UPI) --", "UPI", "Stocks rose."),
        (
            "MADRID, 5 dic (EFE) - El Gobierno aprobó.",
            "MADRID, 5 dic (EFE) -",
            "EFE",
            "El Gobierno aprobó.",
        ),
        (
            "Berlin (dpa) - Die Regierung hat beschlossen.",
            "Berlin (dpa) -",
            "dpa",
            "Die Regierung hat beschlossen.",
        ),
        (
            "PARIS, 12 mars (AFP) - Le gouvernement.",
            "PARIS, 12 mars (AFP) -",
            "AFP",
            "Le gouvernement.",
        ),
        (
            "Genf (dpa/AFP) - Die Gespräche beginnen.",
            "Genf (dpa/AFP) -",
            "dpa/AFP",
            "Die Gespräche beginnen.",
        ),
        ("ROME (ANSA) - Il governo.", "ROME (ANSA) -", "ANSA", "Il governo."),
        ("TOKYO (Kyodo) -- The government.", "TOKYO (Kyodo) --", "Kyodo", "The government."),
        (
            "BEIJING, Dec. 5 (Xinhua) -- China said.",
            "BEIJING, Dec. 5 (Xinhua) --",
            "Xinhua",
            "China said.",
        ),
        ("HAYWARD, Calif. (AP) — The Latest.", "HAYWARD, Calif. (AP) —", "AP", "The Latest."),
        ("Budapest (MTI) - A kormány döntött.", "Budapest (MTI) -", "MTI", "A kormány döntött."),
        ("LONDON — Rain fell.\nMore rain.", "LONDON —", None, "Rain fell.\nMore rain."),
        ("SIOUX FALLS, S.D. – People talk.", "SIOUX FALLS, S.D. –", None, "People talk."),
        ("WASHINGTON (CNN) — Lawmakers met.", "WASHINGTON (CNN) —", None, "Lawmakers met."),
        (
            "WILMINGTON, Delaware (AP) –\nPresidents spoke.",
            "WILMINGTON, Delaware (AP) –",
            "AP",
            "Presidents spoke.",
        ),
    ],
)
def test_split_dateline(text: str, dateline: str, wire: str | None, rest: str) -> None:
    assert split_dateline(text) == (dateline, wire, rest)


@pytest.mark.parametrize(
    "text",
    [
        "The council met on Monday (AP) - and nothing else happened.",
        "WATCH – the video shows the storm.",
        "DEAR ABBY: My husband bought tickets.",
        "Apple (AAPL) - shares rose.",
        "Presidents spoke for an hour.",
        "A – the first answer.",
        "NASA said the launch - planned for May - was delayed.",
        "",
    ],
)
def test_no_dateline(text: str) -> None:
    dateline, wire, rest = split_dateline(text)
    assert dateline is None
    assert wire is None
    assert rest == text.strip()


@pytest.mark.parametrize(
    ("text", "credits", "wire", "rest"),
    [
        (
            "Body.\nAssociated Press writers X and Y contributed to this report.",
            "Associated Press writers X and Y contributed to this report.",
            "AP",
            "Body.",
        ),
        ("Body.\nReporting by X; Editing by Y", "Reporting by X; Editing by Y", "Reuters", "Body."),
        (
            "Body.\n(Reporting by X in London; Additional reporting by Z; Editing by Y)",
            "(Reporting by X in London; Additional reporting by Z; Editing by Y)",
            "Reuters",
            "Body.",
        ),
        ("Body.\n-- dpa", "-- dpa", "dpa", "Body."),
        ("Body.\n(AFP)", "(AFP)", "AFP", "Body."),
        ("Body.\nAdditional reporting by X", "Additional reporting by X", None, "Body."),
        ("Text.\nMit Material von dpa", "Mit Material von dpa", "dpa", "Text."),
        ("Text.\nMit Material von dpa und AFP", "Mit Material von dpa und AFP", "dpa/AFP", "Text."),
        ("Texte.\nAvec AFP", "Avec AFP", "AFP", "Texte."),
        ("Texte.\n(avec l'AFP)", "(avec l'AFP)", "AFP", "Texte."),
        ("Texto.\nCon información de EFE", "Con información de EFE", "EFE", "Texto."),
        ("Szöveg.\nForrás: MTI", "Forrás: MTI", "MTI", "Szöveg."),
        ("Szöveg vége. (MTI)", "(MTI)", "MTI", "Szöveg vége."),
        (
            "Body.\nKeith Doe contributed reporting from Hong Kong.",
            "Keith Doe contributed reporting from Hong Kong.",
            None,
            "Body.",
        ),
        (
            "Body.\nThis was announced by A from Moscow. Associated Press contributors B in "
            "Moscow contributed to this report.\nAP writer C contributed to this report.",
            "This was announced by A from Moscow. Associated Press contributors B in Moscow "
            "contributed to this report.\nAP writer C contributed to this report.",
            "AP",
            "Body.",
        ),
    ],
)
def test_split_credits(text: str, credits: str, wire: str | None, rest: str) -> None:
    assert split_credits(text) == (credits, wire, rest)


@pytest.mark.parametrize(
    "text",
    [
        "Body.\nMembers agreed to delay the vote, the Associated Press reported.",
        "Body.\nThe flaw contributed to the crash, investigators said.",
        "Body.\nShe said reporting by the paper was unfair.",
        "",
    ],
)
def test_no_credits(text: str) -> None:
    assert split_credits(text) == (None, None, text)


@pytest.mark.parametrize(
    ("name", "canon"),
    [
        ("AP", "AP"),
        ("The Associated Press", "AP"),
        ("associated press", "AP"),
        ("Reuters", "Reuters"),
        ("Agence France-Presse", "AFP"),
        ("DPA", "dpa"),
        ("Deutsche Presse-Agentur", "dpa"),
        ("dpa-AFX", "dpa-AFX"),
        ("dpa/AFP", "dpa/AFP"),
        ("Efe", "EFE"),
        ("Kyodo News", "Kyodo"),
        ("Bloomberg News", "Bloomberg"),
        ("(Xinhua)", "Xinhua"),
        ("ap", None),
        ("CNN", None),
        ("", None),
    ],
)
def test_normalize_wire(name: str, canon: str | None) -> None:
    assert normalize_wire(name) == canon


def test_find_wires_ignores_words() -> None:
    assert find_wires("Associated Press writers and Reuters staff; the APPLE map; dpa") == [
        "AP",
        "Reuters",
        "dpa",
    ]


def test_detect_wire_source() -> None:
    assert detect_wire_source("LONDON (Reuters) - Text.") == "Reuters"
    assert detect_wire_source("Text.\nAP writer X contributed to this report.") == "AP"
    assert detect_wire_source("Text, the Associated Press reported.\nMore text.") is None
    assert detect_wire_source("Text.", dateline="PARIS (AFP) -") == "AFP"
    assert detect_wire_source("Text.", credits="Mit Material von dpa") == "dpa"
    assert detect_wire_source("") is None
