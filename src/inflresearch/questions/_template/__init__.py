"""The template of a research question: copy this folder to ``questions/<name>/`` (and
``notebooks/_template.ipynb`` to ``notebooks/NN_<name>.ipynb``), then rename and fill in.

A folder whose name starts with ``_`` is not a question: `discover` skips it and no plan runs it.
Its own copy of the shape is checked by the tests, so the template always works.

Checklist for the copy (README, "Adding a research question"):

1. here: ``name``, ``title``, ``notebook``, ``claims`` (ids registered in ``inflresearch/claims.py``),
   ``inputs`` (notebook parameter -> table), ``needs`` and fast ``small_parameters``;
2. ``notebook.py``: ``Parameters`` (the notebook's parameters cell, declared once), the coercion,
   ``load_inputs`` and ``run_analysis`` returning an `Analysis`;
3. ``words.py``: one key-findings sentence per claim id.
"""

from inflresearch.questions._base import Need, Question

QUESTION = Question(
    name="_template",  # the folder's name (a copy: its own, e.g. "pricing")
    title="Template: the shape of a research question",
    notebook="notebooks/_template.ipynb",
    claims=(),
    inputs={"data": "influencers"},
    needs=(Need(("data",), ("followers",), "follower count"),),
    small_parameters={},
)
