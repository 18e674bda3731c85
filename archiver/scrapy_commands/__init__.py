"""Scrapy commands of the project (``COMMANDS_MODULE``): ``crawl`` in place of Scrapy's own."""
