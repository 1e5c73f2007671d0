"""The report pipeline: papermill runs into run folders, offline HTML, index and findings pages,
scheduled plans. See `execute`, `html`, `index` and `plan`."""

from inflresearch.report.deferred_grammar import defer as _defer

_defer()
