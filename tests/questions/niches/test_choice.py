"""The first screen states a k chosen at the top of its range and a weak silhouette; niche labels
sort as numbers (N1, N2, ..., N10, N11)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from inflresearch import claims
from inflresearch.questions.niches.choice import choice_sentence, natural_key, with_choice_note
from inflresearch.questions.niches.tables import confusion


def _model(k: int, silhouette: float, k_max: int = 12, auto: bool = True) -> SimpleNamespace:
    return SimpleNamespace(summary=lambda: {"k": k, "silhouette": silhouette}, k_range=(3, k_max),
                           min_silhouette=0.1, n_niches="auto" if auto else k)


def test_k_at_k_max_and_a_weak_silhouette_are_stated_in_the_claim_note() -> None:
    claim = claims.not_testable(claims.MICRO_AUDIENCES_MORE_FOCUSED, "too few accounts")
    noted = with_choice_note(claim, _model(12, 0.06)).note
    assert noted.startswith("too few accounts ")
    assert "k = 12) is the largest tried (k_max = 12)" in noted
    assert "barely separate (silhouette 0.06, below 0.1)" in noted
    assert with_choice_note(claim, _model(5, 0.3)) is claim  # nothing to say
    assert choice_sentence(k=12, k_max=12, silhouette=0.3, min_silhouette=0.1, auto=False) == ""  # k was given


def test_niche_labels_sort_as_numbers() -> None:
    labels = [f"N{i}" for i in range(1, 12)]
    assert sorted(reversed(labels), key=natural_key) == labels
    assignments = pd.DataFrame({"account_id": [str(i) for i in range(22)],
                                "niche_discovered": labels * 2})
    table = confusion(assignments, pd.Series(["a", "b"] * 11, index=assignments["account_id"]))
    assert list(table.index) == labels
