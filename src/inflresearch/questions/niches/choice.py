"""What the first screen says about the number of niches chosen, and niche labels in order.

Two facts bound every niche finding and belong beside the verdict: a k chosen at the top of the
range tried (`k_max`) may be the range's limit rather than the data's answer, and a silhouette
below the model's floor means the niches overlap. `choice_sentence` states them (empty when
neither holds); `with_choice_note` adds it to the focus claim's note, which the first screen
shows as a caveat. `natural_key` orders niche labels N1, N2, ..., N10 (not N1, N10, N2).

Example:
    >>> choice_sentence(k=12, k_max=12, silhouette=0.06, min_silhouette=0.1, auto=True)  # doctest: +ELLIPSIS
    'The number of niches chosen (k = 12) is the largest tried (k_max = 12): ...'
    >>> sorted(["N10", "N2", "N1"], key=natural_key)
    ['N1', 'N2', 'N10']
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from inflresearch.claims import Claim


def choice_sentence(*, k: int, k_max: int, silhouette: float, min_silhouette: float, auto: bool) -> str:
    """One or two sentences on the chosen k and the silhouette; "" when neither needs saying."""
    parts = []
    if auto and k >= k_max:
        parts.append(f"The number of niches chosen (k = {k}) is the largest tried (k_max = {k_max}): "
                     "the data may hold more niches than the range allowed (raise k_max to see).")
    if silhouette < min_silhouette:
        parts.append(f"The niches barely separate (silhouette {silhouette:.2f}, below {min_silhouette:g}): "
                     "read them as overlapping themes, not distinct groups of creators.")
    return " ".join(parts)


def with_choice_note(claim: Claim, model: Any) -> Claim:
    """`claim` with `choice_sentence` of a fitted `NicheModel` added to its note."""
    s = model.summary()
    sentence = choice_sentence(k=s["k"], k_max=int(model.k_range[1]), silhouette=s["silhouette"],
                               min_silhouette=model.min_silhouette, auto=model.n_niches == "auto")
    if not sentence:
        return claim
    return dataclasses.replace(claim, note=" ".join(filter(None, [claim.note, sentence])))


def natural_key(label: object) -> tuple[Any, ...]:
    """A sort key reading the numbers in a label as numbers: N2 before N10."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(label)))
