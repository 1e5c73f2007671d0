"""`inflresearch.methods` exports its public names on first use, so a light module stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import inflresearch.methods as methods


def test_every_public_name_is_its_module_object():
    for name in methods.__all__:
        home = methods._HOME[name]
        assert getattr(methods, name) is getattr(importlib.import_module(f"inflresearch.methods.{home}"), name)
    assert set(methods.__all__) == set(methods._HOME) and set(methods.__all__) <= set(dir(methods))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = methods.nothing


def test_the_words_of_the_claims_import_no_model_library():
    """Every run's command line and plan worker imports each question's words (`discover`)."""
    code = ("import sys\nfrom inflresearch.questions import discover\n"
            "for q in discover(): q.sentences\n"
            "print(sorted(m for m in ('statsmodels', 'sklearn', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
