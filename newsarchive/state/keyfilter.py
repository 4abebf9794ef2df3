"""A Bloom filter over the near-duplicate index's keys, kept in the state.

Most keys of a new story are in no stored article, yet each costs a B-tree seek when the
index beyond the in-memory window is searched on disk; at a million articles the key
table is 1.5 GB and nearly every seek reads a page that is not cached (measured: 25-35
microseconds of CPU and 120-165 microseconds of wall time per key on the development VM,
against 3-4 microseconds when cached). :class:`KeyFilter` answers "may this key be on
disk?" from memory, so only keys that can be there are looked up.

Layout: ``2**bits`` bits, two probes per key (``key & mask`` and ``(key >> 31) & mask``:
index keys are 63-bit hash values, so both are uniform and independent). With 16 bits
per key the false-positive rate is ``(1 - e**(-2/16))**2`` = 1.4 % (Bloom 1970; Broder
and Mitzenmacher 2004 give the formula). A filter never forgets a key: a false positive
costs one seek, a false negative would hide a story, so there is none.

The bits are stored in the state's ``near_filter`` table as chunks of
:data:`CHUNK_BYTES`; :meth:`KeyFilter.dirty_chunks` are written in the same transaction
as the keys they hold (commit or crash, the table and the filter agree). When the filter
holds more than one key per 16 bits it is rebuilt twice as large from the key table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["BITS_PER_KEY", "CHUNK_BYTES", "MIN_BITS", "KeyFilter"]

#: Bits of filter per key before it is rebuilt larger (false-positive rate ~1.4 %).
BITS_PER_KEY = 16
#: Smallest filter: 2**20 bits (128 KiB), enough for 65,536 keys (~1,300 articles).
MIN_BITS = 20
#: Bytes per stored chunk (a chunk is rewritten when a key sets one of its bits).
CHUNK_BYTES = 1 << 16


class KeyFilter:
    """A Bloom filter with two probes over 63-bit keys.

    Args:
        bits: log2 of the number of bits (``>= MIN_BITS``).
        data: the filter's bytes (``2**bits // 8``), or None for an empty filter.
        count: keys added so far (including those in ``data``).

    Raises:
        ValueError: if ``bits`` is out of range or ``data`` has the wrong length.
    """

    def __init__(self, bits: int, data: bytes | bytearray | None = None, count: int = 0
                 ) -> None:
        if not MIN_BITS <= bits <= 40:
            raise ValueError(f"filter size 2**{bits} bits is out of range")
        self.bits = bits
        self.count = count
        size = (1 << bits) // 8
        if data is None:
            self._bytes = np.zeros(size, dtype=np.uint8)
        else:
            if len(data) != size:
                raise ValueError(f"filter data has {len(data)} bytes, expected {size}")
            self._bytes = np.frombuffer(bytearray(data), dtype=np.uint8)
        self._mask = np.uint64((1 << bits) - 1)
        self._dirty: set[int] = set()

    @classmethod
    def sized_for(cls, keys: int) -> KeyFilter:
        """An empty filter with room for ``keys`` keys at :data:`BITS_PER_KEY`."""
        bits = max(MIN_BITS, int(max(keys, 1) * BITS_PER_KEY - 1).bit_length())
        return cls(bits)

    @property
    def full(self) -> bool:
        """Whether the filter holds more keys than its size is meant for."""
        return self.count * BITS_PER_KEY > (1 << self.bits)

    def _probes(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = keys.astype(np.uint64, copy=False)
        return k & self._mask, (k >> np.uint64(31)) & self._mask

    def add(self, keys: Sequence[int] | np.ndarray) -> None:
        """Add keys (non-negative ints below 2**63)."""
        arr = np.asarray(keys, dtype=np.int64)
        if not len(arr):
            return
        for probe in self._probes(arr):
            byte = (probe >> np.uint64(3)).astype(np.int64)
            np.bitwise_or.at(self._bytes, byte,
                             np.left_shift(np.uint8(1), (probe & np.uint64(7)).astype(np.uint8)))
            self._dirty.update((byte // CHUNK_BYTES).tolist())
        self.count += len(arr)

    def might_contain(self, keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """Return a boolean mask: False where the key was certainly never added."""
        arr = np.asarray(keys, dtype=np.int64)
        out = np.ones(len(arr), dtype=bool)
        for probe in self._probes(arr):
            byte = self._bytes[(probe >> np.uint64(3)).astype(np.int64)]
            out &= (byte >> (probe & np.uint64(7)).astype(np.uint8)) & 1 == 1
        return out

    def dirty_chunks(self) -> list[tuple[int, bytes]]:
        """Return ``(chunk number, bytes)`` of the chunks changed since the last call."""
        out = [(c, self._bytes[c * CHUNK_BYTES:(c + 1) * CHUNK_BYTES].tobytes())
               for c in sorted(self._dirty)]
        self._dirty.clear()
        return out

    def all_chunks(self) -> list[tuple[int, bytes]]:
        """Return every chunk (for writing a new filter)."""
        self._dirty.clear()
        n = max(1, len(self._bytes) // CHUNK_BYTES)
        return [(c, self._bytes[c * CHUNK_BYTES:(c + 1) * CHUNK_BYTES].tobytes())
                for c in range(n)]

    @classmethod
    def from_chunks(cls, bits: int, count: int, chunks: Iterable[tuple[int, bytes]]
                    ) -> KeyFilter:
        """Rebuild a filter from its stored chunks.

        Raises:
            ValueError: if the chunks do not fill the filter exactly.
        """
        size = (1 << bits) // 8
        data = bytearray(size)
        seen = 0
        for number, blob in chunks:
            start = number * CHUNK_BYTES
            if start + len(blob) > size:
                raise ValueError(f"filter chunk {number} lies outside the filter")
            data[start:start + len(blob)] = blob
            seen += len(blob)
        if seen != size:
            raise ValueError(f"filter chunks hold {seen} bytes, expected {size}")
        return cls(bits, data, count)
