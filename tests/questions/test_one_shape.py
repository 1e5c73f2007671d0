"""Every question has the same shape: figures that say SIMULATED, results with the core columns."""

from __future__ import annotations

import importlib
import inspect
import tempfile

import pytest
from matplotlib.figure import Figure

from inflresearch.plots import is_labelled_simulated
from inflresearch.questions import discover
from inflresearch.tidy import CORE_COLUMNS, TidyResult, missing_core_columns

PLOT_MODULES = [importlib.import_module(f"inflresearch.questions.{q.name}.plots") for q in discover()]
PLOTS = [(m.__name__, name, fn) for m in PLOT_MODULES for name, fn in inspect.getmembers(m, inspect.isfunction)
         if name.startswith("plot_") and fn.__module__ == m.__name__]


@pytest.mark.parametrize(("module", "name", "fn"), PLOTS, ids=[f"{m}.{n}" for m, n, _ in PLOTS])
def test_every_figure_function_requires_the_simulated_flag(module, name, fn):
    param = inspect.signature(fn).parameters.get("simulated")
    assert param is not None and param.kind is inspect.Parameter.KEYWORD_ONLY
    assert param.default is inspect.Parameter.empty, "a default would let a figure forget the label"


@pytest.fixture(scope="module")
def sample_views():
    """The figures and results each notebook shows on the SIMULATED sample (small settings)."""
    from inflresearch.questions.engagement import notebook as n1
    from inflresearch.questions.niches import notebook as n2
    from inflresearch.questions.roi import notebook as n3

    run = tempfile.mkdtemp()
    p1 = n1.notebook_params(data="sample", n_boot=20, run_dir=run)
    i1 = n1.load_inputs(p1)
    a1 = n1.run_analysis(i1.accounts, i1.posts, n_boot=20)
    p2 = n2.notebook_params(data="sample", k=6, n_boot=20, n_resamples=2, run_dir=run)
    a2 = n2.run_analysis(n2.load_inputs(p2), p2)
    p3 = n3.notebook_params(data="sample", n_boot=50, n_portfolios=200, run_dir=run)
    a3 = n3.run_analysis(n3.load_inputs(p3), p3)
    views = [*a1.niche_views(simulated=True), *a1.diagnostic_views(simulated=True),
             *a2.agreement_views(simulated=True), *a2.focus_views(simulated=True),
             *a2.elasticity_views(simulated=True), *a3.metrics_views(), *a3.portfolio_views(),
             *a3.spec_views(), *a3.assumed_views()]
    results = [a1.fit, a1.posts, a1.posts_offset, a2.focus, a3.micro_macro, a3.portfolio, a3.channels,
               a3.assumed]
    return views, results


def test_every_figure_made_from_the_sample_carries_the_label(sample_views):
    figures = [v for v in sample_views[0] if isinstance(v, Figure)]
    assert len(figures) >= 8
    for fig in figures:
        assert any(is_labelled_simulated(ax) for ax in fig.axes), fig.axes[0].get_title()


def test_results_print_themselves_with_the_core_columns(sample_views):
    for result in sample_views[1]:
        assert isinstance(result, TidyResult)
        frame = result.summary_frame()
        assert not missing_core_columns(frame), (type(result).__name__, missing_core_columns(frame))
        assert list(frame.columns[: len(CORE_COLUMNS)]) == list(CORE_COLUMNS)
        assert "<table" in result._repr_html_()
