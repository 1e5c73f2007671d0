"""The research questions, one subpackage each, all of the same shape (see `_base`).

Example:
    >>> from inflresearch.questions import discover
    >>> [q.stem for q in discover()]
    ['01_engagement_vs_followers', '02_niche_clustering', '03_roi_micro_vs_macro', '04_pick_creators']
"""

from inflresearch.questions._base import (
    Analysis,
    HalfBuiltQuestion,
    Inputs,
    Need,
    NotebookParameters,
    Question,
    RunParams,
    Table,
    discover,
    find,
    load_tables,
)

__all__ = ["Analysis", "HalfBuiltQuestion", "Inputs", "Need", "NotebookParameters", "Question", "RunParams",
           "Table", "discover", "find", "load_tables"]
