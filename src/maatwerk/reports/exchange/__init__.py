"""``maatwerk-case/1``: the case exchange format, imported and exported
(docs/exchange.md). ``validate`` checks lines, ``importer`` stores them, ``exporter``
writes them, ``services`` are the logged entry points the command line and the pages
use."""
