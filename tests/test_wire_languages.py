"""Wire service, dateline and credits for six agencies in four languages, through
newsarchive.clean.clean_body (texts written here)."""

from __future__ import annotations

import pytest

from newsarchive.clean import clean_body

EN = ("The regional government approved the new budget on Tuesday after a long debate in "
      "parliament, ending weeks of uncertainty for schools and hospitals.\n"
      "Opposition parties said the plan relied on optimistic growth forecasts and would "
      "have to be revised before the end of the year.")
DE = ("Die Landesregierung hat am Dienstag nach langer Debatte den neuen Haushalt "
      "beschlossen und damit wochenlange Unsicherheit für Schulen und Kliniken beendet.\n"
      "Die Opposition kritisierte, der Plan beruhe auf zu optimistischen Prognosen und "
      "müsse noch vor Jahresende überarbeitet werden.")
FR = ("Le gouvernement régional a adopté mardi le nouveau budget après un long débat au "
      "parlement, mettant fin à des semaines d'incertitude pour les écoles et les hôpitaux.\n"
      "L'opposition a estimé que le plan reposait sur des prévisions trop optimistes et "
      "qu'il faudrait le réviser avant la fin de l'année.")
ES = ("El gobierno regional aprobó el martes el nuevo presupuesto tras un largo debate en "
      "el parlamento, poniendo fin a semanas de incertidumbre para escuelas y hospitales.\n"
      "La oposición afirmó que el plan se basaba en previsiones demasiado optimistas y que "
      "tendría que revisarse antes de fin de año.")
TEXT = {"en": EN, "de": DE, "fr": FR, "es": ES}

CASES = [
    # (language, dateline, credits, wire)
    ("en", "WASHINGTON (AP) —", "Associated Press writer Jane Doyle contributed to this report.",
     "AP"),
    ("en", "LONDON (Reuters) -", "Reporting by Mark Ellison; Editing by Kevin Moss", "Reuters"),
    ("en", "PARIS (AFP) -", None, "AFP"),
    ("en", None, "(AFP)", "AFP"),
    ("en", "NEW YORK, May 3 (UPI) --", None, "UPI"),
    ("en", "BERLIN (dpa) -", "-- dpa", "dpa"),
    ("en", "LONDON (PA) -", None, "PA"),
    ("en", None, "Reporting by Anna Schulz in Berlin; Editing by Ben Carter", "Reuters"),
    ("de", "Berlin (dpa) -", "Mit Material von dpa", "dpa"),
    ("de", "Washington (AP) -", None, "AP"),
    ("de", "Paris (AFP) -", None, "AFP"),
    ("de", "Frankfurt (Reuters) -", None, "Reuters"),
    ("de", None, "Mit Material von Reuters", "Reuters"),
    ("de", "London (PA) -", None, "PA"),
    ("fr", "PARIS, 12 mars (AFP) -", "Avec AFP", "AFP"),
    ("fr", "Berlin, 4 mai (dpa) -", None, "dpa"),
    ("fr", "Washington, 4 mai (AP) -", None, "AP"),
    ("fr", None, "Avec Reuters", "Reuters"),
    ("fr", "Londres, 4 mai (Reuters) -", None, "Reuters"),
    ("es", "MADRID, 5 may (AFP) -", None, "AFP"),
    ("es", "Washington, 5 may (AP) -", "Con información de AP", "AP"),
    ("es", "Berlín, 5 may (dpa) -", None, "dpa"),
    ("es", None, "Con información de Reuters", "Reuters"),
    ("es", "Nueva York, 5 may (UPI) -", None, "UPI"),
    ("es", "Londres, 5 may (PA) -", None, "PA"),
]


@pytest.mark.parametrize(("language", "dateline", "credits", "wire"), CASES)
def test_wire_dateline_credits(language: str, dateline: str | None, credits: str | None,
                               wire: str) -> None:
    text = TEXT[language]
    body = f"{dateline} {text}" if dateline else text
    if credits:
        body = f"{body}\n{credits}"
    out = clean_body(body)
    assert out.wire_source == wire
    assert out.dateline == dateline
    assert out.credits == credits
    assert out.body == text


QUOTING = [
    "The closure was first reported by the Associated Press on Monday.",
    "Officials confirmed the figures to Reuters on Tuesday.",
    "As AFP reported earlier, talks broke down on Friday.",
    "Ein Sprecher sagte der Deutschen Presse-Agentur (dpa), es sei nichts entschieden.",
    "Selon l'AFP, les négociations ont échoué vendredi.",
    "Según informó la agencia EFE, las conversaciones fracasaron.",
    "The PA news agency said the hearing had been moved to Thursday.",
    "UPI reported on Monday that the agency had opened an inquiry.",
    "Photo: Reuters",
    "Foto: dpa",
    "(Photo: AP)",
    "AP Photo/Evan Vucci",
    "Foto: dpa/Michael Kappeler",
    "Bild: AFP",
]


@pytest.mark.parametrize("line", QUOTING)
@pytest.mark.parametrize("where", ["middle", "end-of-paragraph"])
def test_local_story_quoting_a_wire_is_not_wire_copy(line: str, where: str) -> None:
    first, second = EN.split("\n")
    body = f"{first}\n{line}\n{second}" if where == "middle" else f"{first}\n{second} {line}"
    out = clean_body(body)
    assert out.wire_source is None
    assert out.dateline is None
    assert out.credits is None
