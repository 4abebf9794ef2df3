"""Scrapy settings for newsarchive.

Every setting of our own is prefixed ``NEWSARCHIVE_``. Override any of them on the command
line (``scrapy crawl news -s NEWSARCHIVE_ARCHIVE=/srv/archive``) or in a Scrapyd job.
"""

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"

# --- where things go -----------------------------------------------------------------
#: Root of the Parquet archive (local path; ``articles/``, ``duplicates/`` below it).
NEWSARCHIVE_ARCHIVE = "data/archive"
#: Directory of the embedded state (SQLite): seen URLs, near-duplicate index.
NEWSARCHIVE_STATE = "data/state"
#: Publish buffered rows once they pass this many bytes (uncompressed estimate).
NEWSARCHIVE_FLUSH_BYTES = 128 * 1024 * 1024
#: Publish buffered rows at least this often, seconds.
NEWSARCHIVE_FLUSH_SECONDS = 600.0
#: Target uncompressed size of one Parquet row group, bytes.
NEWSARCHIVE_ROW_GROUP_BYTES = 64 * 1024 * 1024

# --- discovery (news spider) -----------------------------------------------------------
#: Sources CSV; empty means the bundled ``newsarchive/sources/sources.csv``.
NEWSARCHIVE_SOURCES = ""
#: Sitemap-index levels followed below a source's sitemaps.
NEWSARCHIVE_SITEMAP_DEPTH = 2
#: Child sitemaps followed per sitemap index, newest first (0: all).
NEWSARCHIVE_SITEMAP_MAX_CHILDREN = 50
#: Skip feed/sitemap entries older than this many days (0: no limit).
NEWSARCHIVE_MAX_AGE_DAYS = 0

# --- politeness ----------------------------------------------------------------------
USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
ROBOTSTXT_OBEY = True
#: Seconds between requests to the same site when it gives no Crawl-delay.
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2

# --- hardening -----------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
#: Bytes; news pages are far below these (10 MiB hard cap, warn at 2 MiB).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

# --- pipelines -----------------------------------------------------------------------
ITEM_PIPELINES = {
    "newsarchive.pipelines.extract.ExtractPipeline": 100,
    "newsarchive.pipelines.clean.CleanPipeline": 200,
    "newsarchive.pipelines.dedup.DedupPipeline": 300,
    "newsarchive.pipelines.write.ParquetWriterPipeline": 400,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
