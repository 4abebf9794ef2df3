"""Scrapy extensions for unattended runs (``EXTENSIONS`` in settings):

* :class:`~newsarchive.extensions.lock.RunLockExtension`: one run at a time per state;
* :class:`~newsarchive.extensions.runrecord.RunRecordExtension`: the run's summary, its row
  in ``runs/`` and its exit status;
* :class:`~newsarchive.extensions.progress.WarcProgressExtension`: progress of WARC imports.
"""
