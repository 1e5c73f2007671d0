"""The research questions, one subpackage each, all of the same shape (see `_base`).

Example:
    >>> from inflresearch.questions import discover
    >>> [q.stem for q in discover()]
    ['01_engagement_vs_followers', '02_niche_clustering', '03_roi_micro_vs_macro']
"""

from inflresearch.questions._base import Analysis, Need, Question, discover, find

__all__ = ["Analysis", "Need", "Question", "discover", "find"]
