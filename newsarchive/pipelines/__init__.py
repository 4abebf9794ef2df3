"""Item pipelines, in the order they run (see ``ITEM_PIPELINES`` in settings):

1. :class:`~newsarchive.pipelines.extract.ExtractPipeline` — RawPage → Article, or a counted
   drop of a non-article page;
2. :class:`~newsarchive.pipelines.clean.CleanPipeline` — boilerplate lines out; dateline,
   wire service and credits split out;
3. :class:`~newsarchive.pipelines.sitelines.SiteLinesPipeline` — lines the site repeats
   across its stories (its standing text) out;
4. :class:`~newsarchive.pipelines.dedup.DedupPipeline` — store, record a sighting, or drop a
   page already archived;
5. :class:`~newsarchive.pipelines.write.ParquetWriterPipeline` — buffer and publish Parquet.
"""

from newsarchive.pipelines.clean import CleanPipeline
from newsarchive.pipelines.dedup import DedupPipeline
from newsarchive.pipelines.extract import ExtractPipeline
from newsarchive.pipelines.sitelines import SiteLinesPipeline
from newsarchive.pipelines.write import ParquetWriterPipeline

__all__ = ["CleanPipeline", "DedupPipeline", "ExtractPipeline", "ParquetWriterPipeline",
           "SiteLinesPipeline"]
