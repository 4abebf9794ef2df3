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
#: De-duplication time window, days: the near-duplicate index of the newest this many
#: days is held in memory and searched first; older stories are searched on disk only
#: when nothing in the window matches (``newsarchive.dedup.near.WINDOW_DAYS``).
NEWSARCHIVE_DEDUP_WINDOW_DAYS = 30

# --- discovery (news spider) -----------------------------------------------------------
#: Sources CSV; empty means the bundled ``newsarchive/sources/sources.csv``.
NEWSARCHIVE_SOURCES = ""
#: Sitemap-index levels followed below a source's sitemaps.
NEWSARCHIVE_SITEMAP_DEPTH = 2
#: Child sitemaps followed per sitemap index, newest first (0: all).
NEWSARCHIVE_SITEMAP_MAX_CHILDREN = 50
#: Skip feed/sitemap entries (and child sitemaps) dated more than this many days ago on
#: live crawls (0: no limit; undated entries are kept). A scheduled crawl wants what is new;
#: the archive already has the rest.
NEWSARCHIVE_MAX_AGE_DAYS = 7

# --- politeness ----------------------------------------------------------------------
USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
ROBOTSTXT_OBEY = True
#: Seconds between requests to the same site when it gives no Crawl-delay.
DOWNLOAD_DELAY = 1.0
#: Each delay is drawn from DOWNLOAD_DELAY × [1 − j, 1 + j] (Scrapy ≥ 2.19).
DOWNLOAD_DELAY_JITTER = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
#: robots.txt ``Crawl-delay`` is honoured per site, up to this many seconds.
NEWSARCHIVE_MAX_CRAWL_DELAY = 60.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2

# --- hardening (docs/robustness.md) ------------------------------------------------------
#: No telnet console: Scrapy's only remote control (a Python shell on a TCP port).
TELNETCONSOLE_ENABLED = False
#: No remote control either: Scrapy >= 2.19 otherwise serves an HTTP endpoint on localhost
#: that runs Python code sent to it (token-protected, but code execution all the same).
REMOTE_CONTROL_ENABLED = False
#: Bytes; news pages are far below these (10 MiB hard cap, warn at 2 MiB). The cap also
#: applies while a gzip/deflate/br/zstd ``Content-Encoding`` is decompressed.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
#: A truncated body (connection closed before ``Content-Length`` bytes) is an error.
DOWNLOAD_FAIL_ON_DATALOSS = True
DNS_TIMEOUT = 20
#: Redirect hops followed per request (RFC 9309 asks robots.txt crawlers for at least 5).
REDIRECT_MAX_TIMES = 5
#: Only http(s) is ever downloaded: the file, data, ftp and s3 handlers are switched off.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
#: Hosts, IP addresses and CIDR networks a crawl may reach although they are not public
#: (loopback, link-local, private, ...). Empty: only public addresses. The tests allow
#: their local server, e.g. ``-s NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost``.
NEWSARCHIVE_ALLOW_PRIVATE_HOSTS: list[str] = []
#: The resolver used for connections applies the same rule to the address actually
#: connected to (a second line of defence, against DNS rebinding).
TWISTED_DNS_RESOLVER = "newsarchive.middlewares.resolver.PublicOnlyResolver"
DOWNLOADER_MIDDLEWARES = {
    # First of all: refuse non-http(s) URLs and non-public addresses (SSRF).
    "newsarchive.middlewares.HostFilterMiddleware": 50,
    # robots.txt with RFC 9309 error handling (5xx / unreachable: disallow all).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsarchive.middlewares.RobotsTxtMiddleware": 100,
    # Each site's robots.txt Crawl-delay as the floor of its download slot's delay.
    "newsarchive.middlewares.CrawlDelayMiddleware": 110,
}
#: TLS: Scrapy's default context factory is kept, which does NOT verify server
#: certificates (a crawler reads public pages and sends no secrets; many news sites have
#: broken chains). Nothing read over TLS is trusted more than plain HTTP.

# --- pipelines -----------------------------------------------------------------------
ITEM_PIPELINES = {
    "newsarchive.pipelines.extract.ExtractPipeline": 100,
    "newsarchive.pipelines.clean.CleanPipeline": 200,
    # Lines the site repeats across its stories (signatures, bios, promos) out.
    "newsarchive.pipelines.sitelines.SiteLinesPipeline": 250,
    "newsarchive.pipelines.dedup.DedupPipeline": 300,
    "newsarchive.pipelines.write.ParquetWriterPipeline": 400,
}

# --- unattended runs (README: "Runs, locking and resuming") --------------------------------
#: ``scrapy crawl`` of this project exits non-zero when a run fails
#: (``newsarchive/commands/crawl.py``).
COMMANDS_MODULE = "newsarchive.commands"
EXTENSIONS = {
    # AutoThrottle that never goes below a site's robots.txt Crawl-delay.
    "scrapy.extensions.throttle.AutoThrottle": None,
    "newsarchive.middlewares.PoliteAutoThrottle": 0,
    # Scrapy's, without its traceback when a crawl fails to open (see the module).
    "scrapy.extensions.corestats.CoreStats": None,
    "newsarchive.extensions.corestats.CoreStats": 0,
    "newsarchive.extensions.lock.RunLockExtension": 0,
    "newsarchive.extensions.runrecord.RunRecordExtension": 10,
    "newsarchive.extensions.progress.WarcProgressExtension": 20,
}
#: One run at a time per state: ``flock`` on ``<NEWSARCHIVE_STATE>/run.lock``.
NEWSARCHIVE_LOCK_ENABLED = True
#: Summary in the log and a row in ``<archive>/runs/`` at the end of every run.
NEWSARCHIVE_RUNS_ENABLED = True
#: A run whose share of failed fetches (or damaged WARC records) exceeds this fails
#: (exit status 1); 1 = never on errors.
NEWSARCHIVE_MAX_ERROR_RATE = 0.5
#: Seconds between progress lines of WARC imports (0: none).
NEWSARCHIVE_PROGRESS_INTERVAL = 60.0

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
