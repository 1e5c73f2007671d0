"""The Spark engine (PySpark, local mode) runs the same aggregation on the same files as DuckDB:
counts and keys exactly, means and rates to 1e-9, medians, dates and texts exactly.

Run with `make test-spark` (needs the `spark` extra and a Java runtime; skipped without them).
"""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts
from inflresearch.errors import DataError

try:  # tests/ as a package or as a plain folder on sys.path
    from .test_aggregate import _bad_folder, assert_same_accounts, messy_posts, split_write
except ImportError:
    from test_aggregate import _bad_folder, assert_same_accounts, messy_posts, split_write

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None,
        reason="PySpark is not installed: pip install -e '.[spark]' (make test-spark does it)",
    ),
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="no Java runtime on PATH: Spark needs one (apt-get install openjdk-17-jre-headless)",
    ),
]


@pytest.fixture(scope="module")
def spark():
    from inflresearch.data.aggregate import spark_session

    return spark_session("local[2]")


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    """The messy SIMULATED posts as Parquet, CSV and JSON-lines files in one folder tree."""
    posts = messy_posts(seed=8, n_influencers=150)
    root = tmp_path_factory.mktemp("posts")
    thirds = np.array_split(np.arange(len(posts)), 3)
    split_write(posts.iloc[thirds[0]], root / "pq", "parquet", parts=2)
    split_write(posts.iloc[thirds[1]], root / "csv", "csv", parts=2)
    split_write(posts.iloc[thirds[2]], root / "json", "json", parts=2)
    return root, posts


def test_spark_equals_duckdb_on_the_same_files(spark, mixed_folder):
    root, posts = mixed_folder
    duck = aggregate_posts(root)
    spk = aggregate_posts(root, engine="spark", spark=spark)
    assert spk.n_rows == duck.n_rows == len(posts)
    assert len(spk.quarantined) == len(duck.quarantined) == 1
    assert_same_accounts(spk.accounts, duck.accounts, rtol=1e-9)
    # exact where the definition is exact, not only within the tolerance
    for col in ("n_posts", "median_likes", "median_comments", "median_views", "followers"):
        assert np.array_equal(spk.accounts[col], duck.accounts[col], equal_nan=True), col
    assert spk.accounts["captions"].equals(duck.accounts["captions"])


def test_spark_on_a_dataframe_and_with_small_text_caps(spark, mixed_folder):
    _, posts = mixed_folder
    duck = aggregate_posts(posts, max_text_posts=2, max_text_chars=25)
    spk = aggregate_posts(posts, engine="spark", spark=spark, max_text_posts=2, max_text_chars=25)
    assert_same_accounts(spk.accounts, duck.accounts, rtol=1e-9)


def test_spark_names_and_skips_bad_files(spark, tmp_path):
    posts = messy_posts(seed=9, n_influencers=40)
    folder, good, bad = _bad_folder(tmp_path, posts)
    with pytest.raises(DataError, match="corrupt.parquet"):
        aggregate_posts(folder, engine="spark", spark=spark)
    bad[0].unlink()
    bad[2].unlink()
    # the wrong value only shows when Spark reads the data: found file by file, named
    with pytest.raises(DataError, match=r"wrong_value\.csv"):
        aggregate_posts(folder, engine="spark", spark=spark)
    res = aggregate_posts(folder, engine="spark", spark=spark, skip_bad_files=True)
    assert [s.path for s in res.skipped] == [str(bad[1])]
    assert res.n_rows == len(posts)
    assert_same_accounts(res.accounts, aggregate_posts(good).accounts, rtol=1e-9)


def test_cli_engine_spark(spark, mixed_folder, tmp_path, capsys):
    root, _ = mixed_folder
    out = tmp_path / "accounts.parquet"
    assert main(["aggregate", str(root), "--out", str(out), "--engine", "spark"]) == 0
    assert "spark: 6 file(s)" in capsys.readouterr().out
    assert_same_accounts(pd.read_parquet(out), aggregate_posts(root).accounts, rtol=1e-9)
