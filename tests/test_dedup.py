"""Tests for newsarchive.dedup.fingerprint and newsarchive.dedup.near (texts written here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsarchive.dedup import fingerprint as fp
from newsarchive.dedup.near import MIN_SHINGLES, NEAR_CONTAINMENT, Decision, Deduplicator
from newsarchive.dedup.urls import article_id, domain_of
from newsarchive.items import Article
from newsarchive.state.sqlite import SQLiteState

STORY = [
    "The city council voted on Tuesday night to close the old Riverside bridge to all "
    "motor traffic from the first of March, after engineers found deep cracks in two of "
    "its supporting piers during a routine inspection last month.",
    "Mayor Helen Ortiz said the decision was painful but unavoidable, and that the "
    "bridge would remain open to pedestrians and cyclists while the city looks for the "
    "money to repair it or build a replacement crossing further downstream.",
    "About eleven thousand vehicles use the bridge every day, according to figures from "
    "the regional transport office, and local shop owners on both banks warned that the "
    "closure could cut their trade by a third during the spring season.",
    "The council's transport committee will publish a detour plan next week, with extra "
    "bus services on the northern ring road and new traffic lights at the junction of "
    "Mill Street and Harbour Lane, where queues already build up at rush hour.",
    "Engineers told the meeting that a full repair would take at least eighteen months "
    "and cost an estimated forty million dollars, while a new bridge could take five "
    "years to plan, approve and build, depending on state and federal funding.",
    "Residents who spoke at the meeting were divided, with some urging the council to "
    "keep one lane open for emergency vehicles and others demanding that the bridge be "
    "demolished before it becomes a danger to the boats passing underneath it.",
]

OTHER_STORY = [
    "A local bakery that has served the harbour district for more than sixty years will "
    "close its doors at the end of the month, its owners announced on Friday, citing "
    "rising rents and the retirement of the family's last working baker.",
    "The shop, famous for its rye loaves and cinnamon rolls, opened in 1961 when Greta "
    "and Paul Lindqvist arrived from Sweden with two suitcases and a sourdough starter "
    "that their grandchildren say is still in use in the kitchen today.",
    "Regular customers queued around the block on Saturday morning to buy a last box of "
    "pastries, and several left handwritten notes thanking the family for decades of "
    "early mornings, birthday cakes and free bread for the neighbourhood food bank.",
    "The building's new owner has not said what will replace the bakery, but planning "
    "documents filed with the city last year describe a six storey block of flats with a "
    "ground floor cafe and space for bicycles in the courtyard behind it.",
]

#: A site template block that an extractor leaves in every body of the site.
TEMPLATE = [
    "About the Valley Courier: the Valley Courier is an independent newspaper founded in "
    "1921 that covers local politics, business, schools and sport for readers across the "
    "river valley and the surrounding counties, in print every morning and online.",
    "Most read this week: Council approves new school budget after long debate; Storm "
    "damage closes coastal road for three days; High school team wins state title in "
    "overtime thriller; Farmers market returns to the town square next spring.",
    "Subscribe to our morning newsletter to get the most important stories of the day "
    "delivered to your inbox before breakfast, and follow us on social media for "
    "breaking news alerts, photo galleries and live coverage of council meetings.",
]

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make(url: str, paragraphs: list[str], canonical: str | None = None) -> Article:
    body = "\n".join(paragraphs)
    return Article(
        article_id=article_id(canonical or url),
        url=url,
        canonical_url=canonical or url,
        domain=domain_of(canonical or url),
        crawled_at=NOW,
        body=body,
    )


@pytest.fixture
def state(tmp_path: Path):
    st = SQLiteState(tmp_path / "state")
    yield st
    st.close()


def process(dedup: Deduplicator, article: Article, fetched: tuple[str, ...] = ()) -> Decision:
    decision = dedup.decide(article, fetched_urls=fetched)
    dedup.record(article, decision, fetched_urls=fetched)
    return decision


# -- fingerprint -------------------------------------------------------------------------


def test_normalize_text_unifies_case_quotes_dashes_whitespace() -> None:
    assert fp.normalize_text("Don’t  STOP—now!\n\u201cＡＢＣ\u201d  x") == "don t stop now abc x"
    assert fp.words("Ünïcode\u00a0text") == ["ünïcode", "text"]


def test_exact_hash_ignores_formatting_only() -> None:
    a = fp.exact_hash("The mayor said: “No.”\nThen she left.")
    b = fp.exact_hash('the MAYOR said "no"   then she left')
    assert a == b
    assert len(a) == 16
    assert fp.exact_hash("the mayor said yes then she left") != a


def test_shingle_hashes_counts() -> None:
    assert len(fp.shingle_hashes("one two three four")) == 0
    assert len(fp.shingle_hashes("one two three four five")) == 1
    # abcde bcdea cdeab deabc eabcd, then abcde again
    hashes = fp.shingle_hashes("a b c d e a b c d e")
    assert len(hashes) == 5
    assert hashes.dtype == np.uint64
    assert list(hashes) == sorted(hashes)
    with pytest.raises(ValueError):
        fp.shingle_hashes("a b", size=0)


def test_containment_and_pack_roundtrip() -> None:
    a = np.array([1, 2, 3], dtype=np.uint64)
    b = np.array([2, 3, 4, 5], dtype=np.uint64)
    assert fp.containment(a, b) == pytest.approx(2 / 3)
    assert fp.containment(a, np.array([], dtype=np.uint64)) == 0.0
    blob = fp.pack_hashes(np.array([1, 2**64 - 1], dtype=np.uint64))
    assert len(blob) == 16
    assert list(fp.unpack_hashes(blob)) == [1, 2**64 - 1]
    assert list(fp.subtract(b, [a])) == [4, 5]


def test_signature_and_band_keys_are_deterministic() -> None:
    hashes = fp.shingle_hashes("\n".join(STORY))
    sig = fp.signature(hashes)
    assert sig.shape == (fp.NUM_PERM,)
    assert np.array_equal(sig, fp.signature(hashes))
    keys = fp.band_keys(sig)
    assert len(keys) == fp.BANDS == 128
    assert all(0 <= k < 2**63 for k in keys)
    assert keys == fp.band_keys(fp.signature(fp.shingle_hashes("\n".join(STORY))))
    with pytest.raises(ValueError):
        fp.band_keys(sig, rows=3)


# -- decisions ---------------------------------------------------------------------------


def test_new_then_seen_by_url_and_redirect(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    art = make("https://courier.example/2024/bridge", STORY)
    first = process(dedup, art, ("http://courier.example/b?id=7",))
    assert first == Decision("new", None, art.article_id, 0.0)
    assert art.article_id == article_id("https://courier.example/2024/bridge")
    again = make("https://www.courier.example/2024/bridge/?utm_source=x", STORY)
    assert dedup.decide(again) == Decision("seen", None, None, 0.0)
    # a different final URL reached through a known requested URL
    moved = make("https://courier.example/2024/bridge-moved", STORY)
    assert dedup.decide(moved, fetched_urls=["http://courier.example/b?id=7"]).kind == "seen"
    assert state.is_seen("https://courier.example/b?id=7&utm_medium=rss")
    assert not state.is_seen("https://courier.example/2024/other")


def test_url_match_by_canonical(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    stored = make("https://courier.example/2024/bridge", STORY)
    process(dedup, stored)
    amp = make("https://courier.example/amp/2024/bridge", STORY[:2],
               canonical="https://courier.example/2024/bridge")
    amp.article_id = article_id(amp.url)
    decision = process(dedup, amp)
    assert decision == Decision("url", stored.article_id, stored.article_id, 1.0)
    assert state.is_seen(amp.url)


def test_fetching_a_url_known_only_as_a_canonical_gives_a_url_sighting(
    state: SQLiteState,
) -> None:
    dedup = Deduplicator(state)
    full_view = make("https://courier.example/2024/bridge?loadall=1", STORY,
                     canonical="https://courier.example/2024/bridge")
    process(dedup, full_view)
    # Not fetched yet, but the spider need not fetch it: the archive has the document.
    assert state.is_seen("https://courier.example/2024/bridge")
    plain = make("https://courier.example/2024/bridge", STORY[:3])
    decision = process(dedup, plain)
    assert decision == Decision("url", full_view.article_id, full_view.article_id, 1.0)
    # Fetched now: a rerun drops it.
    assert dedup.decide(make("https://courier.example/2024/bridge", STORY[:3])).kind == "seen"


def test_exact_match_ignores_formatting(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    stored = make("https://courier.example/2024/bridge", STORY)
    process(dedup, stored)
    shouted = make("https://mirror.example/bridge", [p.upper().replace(",", " ;") for p in STORY])
    assert process(dedup, shouted) == Decision("exact", stored.article_id, stored.article_id,
                                               1.0)
    assert state.is_seen("https://mirror.example/bridge")


def test_trimmed_copies_match_near(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    original = make("https://courier.example/2024/bridge", STORY)
    process(dedup, original)
    # first half, a new headline line, a promo line, one reworded sentence
    half = ["Riverside bridge to close to cars", STORY[0],
            "READ MORE: Ten things to do this weekend in the valley",
            STORY[1].replace("painful but unavoidable", "hard but necessary"), STORY[2]]
    copy = make("https://aggregator.example/news/riverside-bridge", half)
    decision = process(dedup, copy)
    expected = fp.containment(fp.shingle_hashes(copy.body), fp.shingle_hashes(original.body))
    assert decision == Decision("near", original.article_id, original.article_id,
                                round(expected, 6))
    assert expected >= NEAR_CONTAINMENT
    # a third of the story on a third site also joins the cluster
    third = make("https://wire.example/riverside", [STORY[0], STORY[1]])
    decision = process(dedup, third)
    assert (decision.kind, decision.duplicate_of) == ("near", original.article_id)
    assert decision.similarity == 1.0
    # the sighting's URL is now known
    assert dedup.decide(third).kind == "seen"


def test_exact_copy_of_a_sighting_points_at_the_stored_story(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    original = make("https://courier.example/2024/bridge", STORY)
    process(dedup, original)
    process(dedup, make("https://wire.example/riverside", STORY[:3]))
    again = make("https://other.example/riverside", STORY[:3])
    assert process(dedup, again) == Decision("exact", original.article_id,
                                             original.article_id, 1.0)


def test_different_stories_sharing_a_site_template_stay_apart(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    first = make("https://courier.example/2024/bridge", STORY[:2] + TEMPLATE)
    second = make("https://courier.example/2024/bakery", OTHER_STORY[:2] + TEMPLATE)
    third = make("https://courier.example/2024/budget",
                 [STORY[4].replace("bridge", "school"), OTHER_STORY[3]] + TEMPLATE)
    raw = fp.containment(fp.shingle_hashes(first.body), fp.shingle_hashes(second.body))
    assert raw > NEAR_CONTAINMENT  # without template handling they would merge
    assert [process(dedup, a).kind for a in (first, second, third)] == ["new"] * 3
    # but a copy of the first story on another site still finds it
    copy = make("https://aggregator.example/bridge", STORY[:2])
    decision = process(dedup, copy)
    assert (decision.kind, decision.cluster_id) == ("near", first.article_id)


def test_different_stories_sharing_boilerplate_across_sites_stay_apart(
        state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    process(dedup, make("https://courier.example/2024/bridge", STORY[:3] + TEMPLATE[:1]))
    other = make("https://gazette.example/bakery", OTHER_STORY[:3] + TEMPLATE[:1])
    assert process(dedup, other).kind == "new"


def test_short_bodies_never_match_near(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    short = "The council voted on Tuesday night to close the old Riverside bridge."
    assert len(fp.shingle_hashes(short)) < MIN_SHINGLES
    process(dedup, make("https://courier.example/short", [short]))
    changed = make("https://other.example/short", [short.replace("Tuesday", "Monday")])
    assert process(dedup, changed).kind == "new"
    same = make("https://third.example/short", [short])
    assert process(dedup, same).kind == "exact"


def test_empty_body_is_new_and_never_exact(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    assert process(dedup, make("https://a.example/empty", [])).kind == "new"
    assert process(dedup, make("https://b.example/empty", [])).kind == "new"


def test_rollback_forgets_and_rerun_after_commit_is_all_seen(tmp_path: Path) -> None:
    pages = [make("https://courier.example/2024/bridge", STORY),
             make("https://wire.example/riverside", STORY[:3]),
             make("https://courier.example/2024/bakery", OTHER_STORY)]
    st = SQLiteState(tmp_path)
    dedup = Deduplicator(st)
    assert [process(dedup, p).kind for p in pages] == ["new", "near", "new"]
    st.rollback()
    assert [process(dedup, p).kind for p in pages] == ["new", "near", "new"]
    st.commit()
    st.close()
    st = SQLiteState(tmp_path)
    dedup = Deduplicator(st)
    assert [process(dedup, p).kind for p in pages] == ["seen", "seen", "seen"]
    assert not st.pending
    st.close()


def test_record_rejects_bad_decisions(state: SQLiteState) -> None:
    dedup = Deduplicator(state)
    art = make("https://courier.example/x", STORY)
    with pytest.raises(ValueError):
        dedup.record(art, Decision("maybe", None, None, 0.0))
    with pytest.raises(ValueError):
        dedup.record(art, Decision("near", None, None, 0.5))
    with pytest.raises(ValueError):
        Deduplicator(state, near_containment=0.0)


def test_sample_keys_preserve_containment() -> None:
    full = fp.shingle_hashes("\n".join(STORY))
    head = fp.shingle_hashes("\n".join(STORY[:2]))
    keys_full, keys_head = fp.sample_keys(full), fp.sample_keys(head)
    assert set(keys_head) <= set(keys_full)
    assert keys_full == sorted(keys_full)
    assert all(0 <= k < 2**63 for k in keys_full)
    assert 0.05 < len(keys_full) / len(full) < 0.25


def test_older_story_found_outside_the_window(tmp_path: Path) -> None:
    state = SQLiteState(tmp_path)
    dedup = Deduplicator(state, window_days=7)
    old = make("https://first.example/2024/bridge", STORY)
    old.published_at = NOW - timedelta(days=90)
    dedup.record(old, dedup.decide(old))
    copy = make("https://second.example/bridge-copy", STORY[:3])
    decision = dedup.decide(copy)
    assert decision.kind == "near" and decision.cluster_id == old.article_id
    state.close()


def test_site_template_counts_match_the_reference_rule() -> None:
    from newsarchive.dedup.near import _SiteTemplate, _template_hashes

    rng = np.random.default_rng(4)
    pool = np.arange(1, 60, dtype=np.uint64)
    for trial in range(40):
        samples = [(f"c{rng.integers(0, 1 + trial % 5)}",
                    np.unique(rng.choice(pool, int(rng.integers(0, 25)))))
                   for _ in range(int(rng.integers(0, 8)))]
        counted = _SiteTemplate(samples)
        for exclude in (None, "c0", "c1", "c9"):
            assert np.array_equal(counted.template(exclude), _template_hashes(samples, exclude))
