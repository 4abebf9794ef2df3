"""Body fingerprints for duplicate detection: pure functions, no state.

A body is reduced to a sequence of words (:func:`words`): Unicode NFKC, case-folded,
typographic quotes, apostrophes and dashes mapped to ASCII, every run of non-word
characters (punctuation, whitespace) collapsed to one separator. From the words come

* :func:`exact_hash` -- a 16-byte BLAKE2b digest of the normalized text, equal for two
  bodies that differ only in case, punctuation, quote style or whitespace;
* :func:`shingle_hashes` -- the set of :data:`SHINGLE_SIZE`-word shingles, each hashed
  to a 64-bit integer, as a sorted ``numpy.uint64`` array (for the containment check,
  :func:`containment`);
* :func:`signature` -- a MinHash signature of that set (datasketch ``MinHash``, fixed
  seed, :data:`NUM_PERM` permutations) and :func:`band_keys`, the LSH band keys of a
  signature (:data:`BANDS` bands of :data:`ROWS` rows).

Parameter choices were measured on ``../shared/corpora/syndication`` (development split;
bodies from trafilatura; ``benchmarks/score_synd.py`` reproduces the numbers).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

__all__ = [
    "BANDS",
    "MINHASH_SEED",
    "NUM_PERM",
    "ROWS",
    "SAMPLE_BITS",
    "SHINGLE_HASH",
    "SHINGLE_SIZE",
    "Fingerprint",
    "band_keys",
    "containment",
    "difference",
    "exact_hash",
    "fingerprint",
    "members",
    "normalize_text",
    "pack_hashes",
    "sample_keys",
    "shingle_hashes",
    "signature",
    "subtract",
    "unique",
    "unique_counts",
    "unpack_hashes",
    "words",
]

#: Words per shingle. Measured on the syndication dev set (same-story copies vs. different
#: stories of other sites): 3-word shingles let different write-ups of the same event share
#: up to 0.33 containment, 5-word shingles only 0.21, while the lowest same-story
#: containment drops just 0.725 -> 0.69. Five words is the widest gap; longer shingles
#: start to lose reworded copies (every changed word kills ``SHINGLE_SIZE`` shingles).
SHINGLE_SIZE = 5

#: MinHash permutations. 256 = :data:`BANDS` x :data:`ROWS`; see :data:`ROWS`.
NUM_PERM = 256

#: Fixed MinHash seed: signatures stored in a state must stay comparable across runs.
MINHASH_SEED = 1

#: Rows per LSH band. A pair with Jaccard ``J`` becomes a candidate with probability
#: ``1 - (1 - J**ROWS) ** BANDS``. A copy trimmed to a third of the story, with rewording
#: and promo lines, still contains about half of its shingles in the original: its
#: Jaccard similarity is then only about 0.15 (0.25 is the lowest on the dev set). With 2
#: rows x 128 bands the candidate probability is 0.95 at J=0.15, 0.9997 at J=0.25 and 0.72
#: at J=0.10. Candidates are only candidates: every one is confirmed by an exact
#: containment check, so the low band threshold costs time (more checks), not precision.
ROWS = 2

#: Number of LSH bands (``NUM_PERM // ROWS``).
BANDS = NUM_PERM // ROWS

_WORD = re.compile(r"\w+")
_MASK32 = 0xFFFFFFFF
_MASK63 = (1 << 63) - 1


def words(text: str) -> list[str]:
    """Return the normalized words of ``text``.

    NFKC (full-width letters, ligatures and non-breaking spaces folded), case-folded,
    typographic quotes and dashes mapped to ASCII, soft hyphens dropped; a word is a
    maximal run of ``\\w`` characters, so punctuation and whitespace never matter
    ("don’t" and "don't" both give ``["don", "t"]``).
    """
    if text.isascii():  # NFKC and the table change no ASCII word; casefold is lower
        return _WORD.findall(text.lower())
    # Typographic quotes and dashes need no mapping: like their ASCII forms they are not
    # \w, so they only ever separate words. A soft hyphen sits inside a word: dropped.
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    return _WORD.findall(text)


def normalize_text(text: str) -> str:
    """Return ``text`` normalized for matching: its :func:`words` joined by one space."""
    return " ".join(words(text))


def exact_hash(body: str) -> bytes:
    """Return the 16-byte BLAKE2b digest of :func:`normalize_text` of ``body``."""
    return hashlib.blake2b(normalize_text(body).encode("utf-8"), digest_size=16).digest()


_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE_SIZE = 1 << 19


def _word_hash(word: str) -> int:
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(),
                           "little")
    if len(_WORD_HASHES) >= _WORD_CACHE_SIZE:
        _WORD_HASHES.clear()
    _WORD_HASHES[word] = value
    return value


#: Odd 64-bit multipliers of the shingle hash (fixed: hashes are stored in states).
_ROLL = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)


def shingle_hashes(text: str, size: int = SHINGLE_SIZE) -> np.ndarray:
    """Return the distinct ``size``-word shingles of ``text`` as sorted 64-bit hashes.

    Shingles run across paragraph breaks. A text of fewer than ``size`` words has no
    shingle (an empty array), so very short texts never look similar to anything.

    Each word is hashed once (64-bit BLAKE2b, cached); a shingle's hash is a polynomial
    of its words' hashes modulo 2**64 followed by the MurmurHash3 finaliser, computed for
    all shingles at once with numpy. This is about ten times faster than hashing every
    shingle's text, which matters at a million articles per day (``SHINGLE_HASH``).

    Returns:
        a sorted ``numpy.uint64`` array without repeats.

    Raises:
        ValueError: if ``size < 1``.
    """
    if size < 1:
        raise ValueError(f"shingle size must be positive, got {size}")
    return _shingles_of_words(words(text), size)


def _shingles_of_words(ws: list[str], size: int) -> np.ndarray:
    count = len(ws) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    get = _WORD_HASHES.get
    wh = np.array([get(w) or _word_hash(w) for w in ws], dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = wh[:count].copy()
        for j in range(1, size):
            acc = acc * _ROLL + wh[j : j + count]
        acc ^= acc >> np.uint64(33)
        acc *= _MIX1
        acc ^= acc >> np.uint64(33)
        acc *= _MIX2
        acc ^= acc >> np.uint64(33)
    return unique(acc)


def unique(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct elements of a 1-d array.

    Same result as ``numpy.unique``, by sorting and dropping repeats: for the few hundred
    hashes of one body this is about ten times faster than ``numpy.unique`` (numpy 2's
    hash-based path), which matters once per article."""
    return unique_counts(values)[0]


def unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(sorted distinct elements, how often each occurs)`` of a 1-d array
    (``numpy.unique(values, return_counts=True)``, computed by sorting)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, len(ordered)))
    return ordered[starts], counts


#: Version of the shingle hash above, stored with a state (hashes are not comparable
#: across versions): 1 = BLAKE2b of the shingle text, 2 = word-hash polynomial.
SHINGLE_HASH = 2


#: A shingle is an index key when the low :data:`SAMPLE_BITS` bits of its hash are zero
#: (one shingle in eight). Unlike MinHash, such a sample preserves containment: every
#: sampled shingle of a copy that runs the first third of a story is a sampled shingle of
#: the story, so the copy shares ``containment x shingles / 8`` keys with it on average
#: (about 6 for a 100-shingle copy at containment 0.5; the chance of sharing none is
#: e**-6 = 0.25 %). A 400-word article has about 50 keys instead of 128 band keys.
SAMPLE_BITS = 3
_SAMPLE_MASK = np.uint64((1 << SAMPLE_BITS) - 1)


def sample_keys(hashes: np.ndarray) -> list[int]:
    """Return the index keys of a shingle-hash set (see :data:`SAMPLE_BITS`): the sampled
    hashes shifted right by one bit, so that they fit a signed 64-bit integer, in
    ascending order."""
    arr = np.asarray(hashes, dtype=np.uint64)
    picked = arr[(arr & _SAMPLE_MASK) == 0] >> np.uint64(1)
    return [int(k) for k in picked]


def pack_hashes(hashes: np.ndarray) -> bytes:
    """Serialize a shingle-hash array (little-endian uint64, 8 bytes per shingle)."""
    return np.asarray(hashes, dtype="<u8").tobytes()


def unpack_hashes(blob: bytes) -> np.ndarray:
    """Inverse of :func:`pack_hashes`.

    Raises:
        ValueError: if ``len(blob)`` is not a multiple of 8.
    """
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``|A ∩ B| / min(|A|, |B|)`` for two sets given as unique uint64 arrays.

    This is the share of the smaller set found in the larger one, so a copy holding only
    the first third of a story scores as high as a full copy. 0.0 when either is empty.
    """
    if len(a) == 0 or len(b) == 0:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return int(np.count_nonzero(members(small, large))) / len(small)


def members(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """Return a boolean mask: which elements of ``a`` are in the sorted array
    ``sorted_b``.

    A binary search per element (``searchsorted``); for the few hundred hashes of a body
    this is 2-3 times faster than ``numpy.isin``, which sorts both arrays together."""
    if len(sorted_b) == 0:
        return np.zeros(len(a), dtype=bool)
    idx = np.searchsorted(sorted_b, a)
    idx[idx == len(sorted_b)] = 0
    return sorted_b[idx] == a


def difference(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """Return the elements of ``a`` not in the sorted array ``sorted_b`` (order kept)."""
    if len(sorted_b) == 0 or len(a) == 0:
        return a
    return a[~members(a, sorted_b)]


_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32").permutations


def _low32(value: int) -> int:
    return value & _MASK32


def signature(hashes: Iterable[int] | np.ndarray) -> np.ndarray:
    """Return the MinHash signature of a shingle-hash set.

    datasketch ``MinHash`` (scheme ``affine32``, seed :data:`MINHASH_SEED`,
    :data:`NUM_PERM` permutations), fed with the low 32 bits of each 64-bit shingle hash.

    Returns:
        ``numpy.uint64`` array of length :data:`NUM_PERM` (all ``2**32 - 1`` for an empty
        set).
    """
    m = MinHash(
        num_perm=NUM_PERM,
        seed=MINHASH_SEED,
        hashfunc=_low32,
        permutations=_PERMUTATIONS,
        scheme="affine32",
    )
    m.update_batch([int(h) for h in hashes])
    return np.asarray(m.hashvalues, dtype=np.uint64)


def band_keys(sig: np.ndarray, rows: int = ROWS) -> list[int]:
    """Return one LSH key per band of ``sig`` (``len(sig) // rows`` bands).

    A key is 63 bits of BLAKE2b over the band number and the band's ``rows`` values, so
    keys of different bands never collide by construction and fit a signed SQLite
    INTEGER. Two signatures share a key exactly when they agree on a whole band.

    Raises:
        ValueError: if ``rows < 1`` or ``len(sig)`` is not a multiple of ``rows``.
    """
    if rows < 1 or len(sig) % rows:
        raise ValueError(f"signature of length {len(sig)} cannot be cut in bands of {rows}")
    values = np.asarray(sig, dtype="<u8")
    keys = []
    for band in range(len(values) // rows):
        digest = hashlib.blake2b(
            band.to_bytes(4, "little") + values[band * rows : (band + 1) * rows].tobytes(),
            digest_size=8,
        ).digest()
        keys.append(int.from_bytes(digest, "little") & _MASK63)
    return keys


@dataclass(frozen=True)
class Fingerprint:
    """Everything duplicate detection needs from one body.

    Attributes:
        exact: :func:`exact_hash` of the body (16 bytes).
        shingles: :func:`shingle_hashes` of the body (sorted unique uint64).
        word_count: number of :func:`words` in the body.
    """

    exact: bytes
    shingles: np.ndarray
    word_count: int = 0


def fingerprint(body: str) -> Fingerprint:
    """Return the :class:`Fingerprint` of ``body`` (its words are computed once)."""
    ws = words(body)
    exact = hashlib.blake2b(" ".join(ws).encode("utf-8"), digest_size=16).digest()
    return Fingerprint(exact=exact, shingles=_shingles_of_words(ws, SHINGLE_SIZE),
                       word_count=len(ws))


def subtract(a: np.ndarray, others: Sequence[np.ndarray], min_count: int = 1) -> np.ndarray:
    """Return the hashes of ``a`` found in fewer than ``min_count`` of ``others``.

    With ``min_count=1`` (the default) that is the hashes found in none of them. Each of
    ``others`` must be unique (as :func:`shingle_hashes` returns). Sorted unique uint64.
    """
    if not others or len(a) == 0:
        return a
    if min_count <= 1:
        return difference(a, unique(np.concatenate(list(others))))
    values, counts = unique_counts(np.concatenate(list(others)))
    return difference(a, values[counts >= min_count])
