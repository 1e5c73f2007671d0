"""The report pipeline: papermill runs into run folders, offline HTML, index and findings pages,
scheduled plans. See `execute`, `html`, `index` and `plan`."""
