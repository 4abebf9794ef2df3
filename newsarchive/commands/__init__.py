"""Scrapy commands of the project (``COMMANDS_MODULE``): ``crawl`` with exit status."""
