"""The research questions, one subpackage each, all of the same shape (see `_base`).

Example:
    >>> from inflresearch.questions import discover
    >>> stems = [q.stem for q in discover()]  # in notebook order
    >>> stems[0], stems == sorted(stems)
    ('01_engagement_vs_followers', True)
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
