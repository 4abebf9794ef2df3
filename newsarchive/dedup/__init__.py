"""De-duplication: URL identity (:mod:`.urls`), body fingerprints (:mod:`.fingerprint`)
and the decisions against the state (:mod:`.near`)."""

from newsarchive.dedup.near import Decision, Deduplicator

__all__ = ["Decision", "Deduplicator"]
