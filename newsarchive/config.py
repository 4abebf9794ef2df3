"""The project's own settings (``NEWSARCHIVE_*``), checked once when a crawl starts.

A wrong value (``-s NEWSARCHIVE_FLUSH_BYTES=lots``, a negative interval, an error rate of
2) is a usage error that names the setting, before the run takes its lock or opens
anything: ``scrapy crawl`` prints one line and exits 2. Scrapy's own ``getint`` /
``getfloat`` would only say ``invalid literal for int() with base 10: 'lots'`` — or let a
negative value through to behave oddly later.

Sizes in bytes (``*_BYTES``) may be written with a unit, as ``newsarchive compact``'s
options are: ``64MiB``, ``128MB``, ``1.5GiB`` or a plain number of bytes; read them with
:func:`setting`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from scrapy.settings import BaseSettings

__all__ = ["MAX_WINDOW_DAYS", "SPECS", "Spec", "check_settings", "parse_size", "setting",
           "site_lines_pages"]

_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2,
          "mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*")


def parse_size(text: str) -> int:
    """Parse a size such as ``256MiB``, ``128MB``, ``1.5GiB`` or ``1048576`` into bytes
    (decimal units k/kB/M/MB/G/GB, binary KiB/MiB/GiB; case ignored).

    Raises:
        ValueError: for anything else, or a size below one byte.
    """
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (try 256MiB or 134217728)")
    number = float(match.group(1)) * _UNITS[unit]
    if not math.isfinite(number):  # a number of hundreds of digits reads as infinity
        raise ValueError(f"not a size: {text!r} (too large)")
    size = int(number)
    if size < 1:
        raise ValueError(f"size must be at least one byte: {text!r}")
    return size


@dataclass(frozen=True)
class Spec:
    """What one numeric or boolean setting accepts.

    Attributes:
        kind: ``"size"`` (bytes, units allowed, at least 1), ``"whole"`` (an integer),
            ``"number"`` (a finite float) or ``"bool"`` (what Scrapy's ``getbool`` takes).
        default: the value when the setting is unset.
        minimum / maximum: inclusive bounds of numbers (None: unbounded).
        unit: how the value is counted, for the message (``"seconds"``, ``"days"``).
    """

    kind: str
    default: Any
    minimum: float | None = 0
    maximum: float | None = None
    unit: str = ""


_MIB = 1024 * 1024

#: Longest de-duplication window accepted, days (a century): the window's keys are held
#: in memory, and no archive spans more, so a larger value is a typing error.
MAX_WINDOW_DAYS = 36_500

#: Every ``NEWSARCHIVE_`` setting that is a number or a boolean (see ``settings.py`` and
#: the README's settings table). The default window is
#: ``newsarchive.dedup.near.WINDOW_DAYS`` (not imported here: this module stays light).
SPECS: dict[str, Spec] = {
    "NEWSARCHIVE_FLUSH_BYTES": Spec("size", 128 * _MIB),
    "NEWSARCHIVE_ROW_GROUP_BYTES": Spec("size", 64 * _MIB),
    "NEWSARCHIVE_FLUSH_SECONDS": Spec("number", 600.0, unit="seconds"),
    "NEWSARCHIVE_DEDUP_WINDOW_DAYS": Spec("whole", 30, maximum=MAX_WINDOW_DAYS,
                                           unit="days"),
    "NEWSARCHIVE_SITEMAP_DEPTH": Spec("whole", 2),
    "NEWSARCHIVE_SITEMAP_MAX_CHILDREN": Spec("whole", 50),
    "NEWSARCHIVE_MAX_CRAWL_DELAY": Spec("number", 60.0, unit="seconds"),
    "NEWSARCHIVE_MAX_AGE_DAYS": Spec("whole", 7, unit="days"),
    "NEWSARCHIVE_MAX_ERROR_RATE": Spec("number", 0.5, maximum=1.0),
    "NEWSARCHIVE_PROGRESS_INTERVAL": Spec("number", 60.0, unit="seconds"),
    "NEWSARCHIVE_LOCK_ENABLED": Spec("bool", True, minimum=None),
    "NEWSARCHIVE_RUNS_ENABLED": Spec("bool", True, minimum=None),
    "NEWSARCHIVE_SITE_LINES_ENABLED": Spec("bool", True, minimum=None),
    "NEWSARCHIVE_SITE_LINES_PAGES": Spec("whole", 30, minimum=2, unit="stories"),
    "NEWSARCHIVE_SITE_LINES_MIN_PAGES": Spec("whole", 5, minimum=2, unit="stories"),
}


def _convert(name: str, spec: Spec, value: Any, settings: BaseSettings) -> Any:
    if spec.kind == "bool":
        try:
            return settings.getbool(name, spec.default)
        except ValueError:
            raise ValueError(f"{name} must be True or False (or 1/0), got {value!r}") from None
    if spec.kind == "size":
        if isinstance(value, int) and not isinstance(value, bool):
            number: float = value
        else:
            try:
                number = parse_size(str(value))
            except ValueError:
                raise ValueError(f"{name} must be a size in bytes such as 64MiB or 67108864, "
                                 f"got {value!r}") from None
        if number < 1:
            raise ValueError(f"{name} must be at least one byte, got {value!r}")
        return int(number)
    unit = f" of {spec.unit}" if spec.unit else ""
    try:
        if spec.kind == "whole":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value) if isinstance(value, (int, float)) else int(str(value).strip())
        else:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
    except (TypeError, ValueError):
        what = "a whole number" if spec.kind == "whole" else "a number"
        raise ValueError(f"{name} must be {what}{unit}, got {value!r}") from None
    low, high = spec.minimum, spec.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = (f"between {low:g} and {high:g}" if high is not None
                  else f"at least {low:g}")
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return number


def setting(settings: BaseSettings, name: str) -> Any:
    """The checked value of the ``NEWSARCHIVE_`` setting ``name`` (its default when unset
    or empty): an int for sizes (bytes) and whole numbers, a float for numbers, a bool.

    Raises:
        ValueError: the value does not fit :data:`SPECS` ``[name]``; the message names the
            setting, what it accepts and the value given.
        KeyError: ``name`` is not in :data:`SPECS`.
    """
    spec = SPECS[name]
    value = settings.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return spec.default
    return _convert(name, spec, value, settings)


def check_settings(settings: BaseSettings) -> dict[str, Any]:
    """Check every setting of :data:`SPECS`; return name → value.

    Raises:
        ValueError: for the first bad setting (see :func:`setting`).
    """
    values = {name: setting(settings, name) for name in SPECS}
    site_lines_pages(settings)
    return values


def site_lines_pages(settings: BaseSettings) -> tuple[int, int]:
    """``(NEWSARCHIVE_SITE_LINES_PAGES, NEWSARCHIVE_SITE_LINES_MIN_PAGES)``, checked: both
    whole numbers of at least 2, and the minimum not above the sample.

    Raises:
        ValueError: naming the setting(s) at fault.
    """
    pages = setting(settings, "NEWSARCHIVE_SITE_LINES_PAGES")
    need = setting(settings, "NEWSARCHIVE_SITE_LINES_MIN_PAGES")
    if need > pages:
        raise ValueError(f"NEWSARCHIVE_SITE_LINES_MIN_PAGES ({need}) must not exceed "
                         f"NEWSARCHIVE_SITE_LINES_PAGES ({pages})")
    return int(pages), int(need)
