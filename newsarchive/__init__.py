"""newsarchive: a Scrapy-based news crawler and Parquet news archive."""
