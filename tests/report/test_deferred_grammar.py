"""Reading a notebook does not build the IRI grammar; checking an IRI still does and still works."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import inflresearch.report, papermill, nbconvert, jsonschema
print('lark' in sys.modules)
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
print(checker.conforms('https://example.org/caf\\u00e9', 'iri'), checker.conforms('no iri', 'iri'),
      checker.conforms('a b', 'iri-reference'), checker.conforms('../x', 'iri-reference'))
print('lark' in sys.modules)
"""


def test_the_iri_grammar_is_built_on_first_use_only():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["False", "True False False True", "True"], out.stdout
