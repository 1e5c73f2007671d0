"""Post-level files -> the account-level (influencers) table, on a query engine.

One implementation, two engines: the aggregation is a single Ibis expression, compiled to SQL for
DuckDB (embedded, the default: it streams the files, nothing is loaded into pandas) or for Spark
(`engine="spark"`, a local session or a cluster). Only reading the files is engine specific.

Input: Parquet, CSV or JSON-lines files shaped like the posts contract (contract.py; what
`inflresearch simulate` writes): a file, a folder (all data files below it), a glob or a list of
these. Column names must be the contract's, or be mapped by ``columns=`` (a mapping file's
columns, `inflresearch.data.mapping`; the alias map fills the rest); messy exports go through the
`io` loaders first.
CSV is read as text and cast strictly; JSON timestamps must be ISO strings. A value that does not
cast (e.g. ``likes = "1.2k"``) makes its file bad.

Output, one row per (platform, account_id); columns of the influencers contract plus extras:

- ``n_posts`` posts in the files (the contract's ``posts_count`` is the account's total, unknown
  here, so it is not written); ``avg_*`` / ``median_*`` likes, comments, views per post (exact
  medians, interpolated for even counts);
- ``engagements`` mean likes + comments per post, over posts with both (empty without comments);
- ``engagement_rate`` ratio of sums: sum(likes + comments) / sum(followers at post time), over
  posts with all three and followers > 0. This is the pooled rate (posts of large audiences weigh
  more); with constant followers it equals engagements / followers, the contract's definition;
- ``followers`` at the account's latest dated post (posts at the same latest time: any one of
  them), the maximum when no post is dated; ``niche`` likewise; ``platform`` lower case, 'unknown'
  when absent;
- ``first_post_at``, ``last_post_at``, ``posts_per_week`` = (dated posts - 1) / weeks between
  first and last post (the n - 1 gaps; empty for fewer than two distinct times);
- ``captions`` and ``hashtags``: the texts of the latest `max_text_posts` posts, newest first,
  joined by spaces and cut at `max_text_chars` characters (for niche discovery).

Rows are checked by the loaders' own rules (`inflresearch.data.schema.row_rules`): a post
without account_id, post_id or likes, with a negative count, followers <= 0 or likes above 50 x
followers is quarantined with the loaders' reason, and a post_id seen before (among the good
rows, in the file that comes first by name) is quarantined as ``duplicate post_id (first seen in
'FILE')``. `AggregateResult.quarantined` holds those rows (``source_file``, the values,
``reason``); the CLI writes them with the loaders' quarantine writer. Each post counts once.

Example:
    >>> import tempfile, pathlib
    >>> from inflresearch.data.synth import simulate_world
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> simulate_world(seed=1, n_influencers=20, n_campaigns=1).posts.to_parquet(d / "p.parquet")
    >>> res = aggregate_posts(d / "*.parquet")
    >>> len(res.accounts), int(res.accounts["n_posts"].sum()) == res.n_rows
    (20, True)
"""

from __future__ import annotations

import datetime
import functools
import glob
import operator
import os
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from inflresearch.atomic import atomic_write
from inflresearch.data.headers import resolve_columns
from inflresearch.data.quarantine import count_reasons, write_quarantine
from inflresearch.data.schema import duplicate_reason, missing_reason, reason_rank, row_rules
from inflresearch.errors import DataError, quote
from inflresearch.safe_csv import write_csv

ENGINES = ("duckdb", "spark")
FORMATS = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv", ".csv.gz": "csv",
    ".jsonl": "json", ".ndjson": "json", ".json": "json", ".jsonl.gz": "json", ".json.gz": "json",
}
REQUIRED = ("account_id", "post_id", "likes")
# the posts-contract columns this step uses, with the engine type they are cast to
TYPES = {
    "account_id": "string", "post_id": "string", "posted_at": "timestamp",
    "likes": "float64", "comments": "float64", "views": "float64", "followers": "float64",
    "platform": "string", "niche": "string", "caption": "string", "hashtags": "string",
    "_source_file": "string",
}
SOURCE = "_source_file"  # the file each row came from, added by the readers
TEXT_COLUMNS = {"caption": "captions", "hashtags": "hashtags"}
OUTPUT_ORDER = (
    "account_id", "platform", "followers", "n_posts", "avg_likes", "median_likes", "avg_comments",
    "median_comments", "avg_views", "median_views", "engagements", "engagement_rate", "niche",
    "first_post_at", "last_post_at", "posts_per_week", "captions", "hashtags",
)


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the aggregation, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class AggregateResult:
    """The account table and an account of what was read, quarantined, skipped and ignored.

    ``n_rows`` rows were read; ``quarantined`` holds those left out (``source_file``, the values,
    ``reason``), so ``n_rows == accounts.n_posts.sum() + len(quarantined)``.
    """

    accounts: pd.DataFrame
    engine: str
    files: tuple[str, ...]
    skipped: tuple[SkippedFile, ...] = ()
    ignored: tuple[str, ...] = ()
    n_rows: int = 0
    quarantined: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["reason"]))

    def summary(self) -> str:
        """One paragraph: files, rows, accounts, quarantined rows by reason, what was skipped
        (by name) and why."""
        text = (
            f"{self.engine}: {len(self.files):,} file(s), {self.n_rows:,} rows -> "
            f"{self.n_rows - len(self.quarantined):,} posts, {len(self.accounts):,} accounts"
        )
        if len(self.quarantined):
            text += (f"; {len(self.quarantined):,} quarantined: "
                     f"{count_reasons(self.quarantined)}")
        else:
            text += "; none quarantined"
        if self.ignored:
            text += f"; ignored {len(self.ignored)} non-data file(s): " + ", ".join(self.ignored)
        if self.skipped:
            text += f"; SKIPPED {len(self.skipped)} bad file(s): " + "; ".join(
                f"{s.path} ({s.reason})" for s in self.skipped
            )
        return text


# --- finding the files ----------------------------------------------------------------------


def _format(path: str) -> str | None:
    name = path.lower()
    return next((f for suffix, f in FORMATS.items() if name.endswith(suffix)), None)


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def resolve_files(source: str | Path | Iterable[str | Path]) -> tuple[list[str], list[str]]:
    """Data files named by a file, a folder, a glob or a list of these, and ignored non-data files.

    Folders are searched recursively; hidden files and Spark/Hadoop markers (``_SUCCESS``) are
    ignored silently, other files without a data suffix are returned as ignored. Remote URIs
    (``s3a://...``) are passed through unchanged, for the Spark engine.

    Example:
        >>> resolve_files("/nonexistent/*.parquet")
        Traceback (most recent call last):
        ...
        inflresearch.errors.DataError: /nonexistent/*.parquet: no posts files match
    """
    sources = [source] if isinstance(source, str | Path) else list(source)
    files: list[str] = []
    ignored: list[str] = []
    for item in sources:
        text = str(item)
        if _is_remote(text):
            if _format(text) is None:
                raise DataError("cannot tell the format from the suffix", path=text)
            files.append(text)
            continue
        mode = _mode(text)
        if mode is not None and stat.S_ISDIR(mode):
            found = sorted(str(p) for p in Path(text).rglob("*") if p.is_file())
        elif mode is not None and stat.S_ISREG(mode):  # an existing name is never a pattern
            if _format(text) is None:
                raise DataError("not a Parquet, CSV or JSON-lines file (by its suffix)", path=text)
            found = [text]
        elif mode is not None:
            raise DataError("not a regular file (a pipe, device or socket)", path=text)
        elif any(ch in text for ch in "*?["):
            found = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
        else:
            raise DataError("no such file or folder", path=text)
        found = [p for p in found if not Path(p).name.startswith((".", "_"))]
        files += [p for p in found if _format(p)]
        ignored += [p for p in found if not _format(p)]
        if not any(_format(p) for p in found):
            raise DataError("no posts files match", path=text)
    return list(dict.fromkeys(files)), ignored


def _mode(path: str) -> int | None:
    """The file mode of `path` (following links), None when nothing is there."""
    try:
        return os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # e.g. inside a folder without permission
        raise DataError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _literal(path: str) -> str:
    """`path` for DuckDB's readers, which expand ``* ? [`` as a pattern: escaped when local."""
    return path if _is_remote(path) else glob.escape(path)


# --- reading: the only engine-specific part ----------------------------------------------------


def _duckdb_columns(path: str, fmt: str) -> dict[str, str]:
    """Column names and types of one local file (reads the footer / header, not the data)."""
    import duckdb

    reader = {
        "parquet": "read_parquet(?)",
        "csv": "read_csv(?, all_varchar = true, header = true)",
        "json": "read_json(?, format = 'newline_delimited')",
    }[fmt]
    with duckdb.connect() as con:
        rows = con.execute(f"DESCRIBE SELECT * FROM {reader}", [_literal(path)]).fetchall()
    return {r[0]: r[1] for r in rows}


def _contract_names(names: Sequence[str], columns: Mapping[str, str | None] | None) -> dict[str, str]:
    """{contract or extra name: source name} of a file's columns under ``columns=`` (no renaming
    without a mapping)."""
    if columns is None or SOURCE in names:
        own = {n: n for n in names if n == SOURCE}  # the readers' own column is never renamed
        if columns is None:
            return {n: n for n in names}
        return {**_contract_names([n for n in names if n != SOURCE], columns), **own}
    resolved = resolve_columns(list(names), "posts", columns)
    if resolved.unknown:
        raise DataError(f"the mapping names a column the files do not have: {resolved.unknown[0]!r}; "
                        f"they have {', '.join(map(repr, names))}")
    return dict(zip(resolved.names, names, strict=True))


def _preflight(
    files: Sequence[str], columns: Mapping[str, str | None] | None = None
) -> tuple[dict[tuple, list[str]], list[SkippedFile]]:
    """Group readable local files by (format, schema); list unreadable ones with the reason."""
    import duckdb

    groups: dict[tuple, list[str]] = {}
    bad: list[SkippedFile] = []
    for path in files:
        fmt = _format(path) or ""
        if _is_remote(path):
            groups.setdefault((fmt, None), []).append(path)
            continue
        try:
            cols = _duckdb_columns(path, fmt)
        except duckdb.Error as exc:
            bad.append(SkippedFile(path, f"unreadable {fmt}: {_first_line(exc)}"))
            continue
        missing = [c for c in REQUIRED if c not in _contract_names(list(cols), columns)]
        if missing:
            bad.append(SkippedFile(path, "missing required column(s) " + ", ".join(missing)))
            continue
        groups.setdefault((fmt, tuple(sorted(cols.items()))), []).append(path)
    return groups, bad


def _first_line(exc: BaseException) -> str:
    """The engine's message in one line: its first three lines (where DuckDB names the line,
    the column and the value), at most 400 characters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (" | ".join(lines[:3]) or type(exc).__name__)[:400]


class _Engine:
    """A connection of one engine: reads a group of files into an Ibis table."""

    name = "duckdb"
    ordered_concat = True  # string_agg(x ORDER BY ...); Ibis cannot express it for Spark
    columns: Mapping[str, str | None] | None = None  # renames applied to every table read

    def mapped(self, table: Any) -> Any:
        """`table` with its columns renamed by `columns` (unchanged without a mapping)."""
        renames = {new: old for new, old in _contract_names(table.columns, self.columns).items()
                   if new != old}
        return table.rename(renames) if renames else table

    def __init__(self) -> None:
        import ibis

        self.con = ibis.duckdb.connect()
        # Parquet min/max statistics leave NaN out, and DuckDB folds NaN tests away with them
        self.con.raw_sql("SET disabled_optimizers = 'statistics_propagation'")
        self.con.raw_sql("SET TimeZone = 'UTC'")  # time-zone-aware columns become UTC times

    def read(self, fmt: str, files: list[str]) -> Any:
        names = [_literal(f) for f in files]
        if fmt == "parquet":
            return self.mapped(self.con.read_parquet(names, filename=SOURCE))
        if fmt == "csv":
            return self.mapped(self.con.read_csv(names, all_varchar=True, header=True, filename=SOURCE))
        return self.mapped(self.con.read_json(names, format="newline_delimited", filename=SOURCE))

    def frame(self, data: pd.DataFrame) -> Any:
        import ibis

        return ibis.memtable(data)

    def errors(self) -> tuple[type[BaseException], ...]:
        import duckdb
        from ibis.common.exceptions import IbisError

        return (duckdb.Error, IbisError)


class _SparkEngine(_Engine):
    name = "spark"
    ordered_concat = False

    def __init__(self, session: Any = None, master: str | None = None) -> None:
        import ibis

        self.session = _strict(session) if session is not None else spark_session(master)
        self.con = ibis.pyspark.connect(self.session)
        self._n = 0

    def read(self, fmt: str, files: list[str]) -> Any:
        reader = self.session.read
        if fmt == "parquet":
            df = reader.parquet(*files)
        elif fmt == "csv":
            df = reader.csv(files, header=True, mode="FAILFAST", multiLine=True, escape='"')
        else:
            df = reader.json(files, mode="FAILFAST")
        from pyspark.sql import functions as F

        return self.mapped(self._view(df.withColumn(SOURCE, F.input_file_name())))

    def frame(self, data: pd.DataFrame) -> Any:
        import pyarrow as pa

        # through Arrow, so that pandas' missing values arrive as nulls (not "NaN" strings)
        arrow = pa.Table.from_pandas(data, preserve_index=False)
        return self._view(self.session.createDataFrame(arrow))

    def _view(self, df: Any) -> Any:
        self._n += 1
        name = f"inflresearch_posts_{id(self)}_{self._n}"
        df.createOrReplaceTempView(name)
        return self.con.table(name)

    def errors(self) -> tuple[type[BaseException], ...]:
        from ibis.common.exceptions import IbisError
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        return (PySparkException, Py4JError, IbisError)


def spark_session(master: str | None = None) -> Any:
    """The active Spark session, or a new one (UTC, ANSI casts; `master` e.g. ``"local[2]"``).

    Without `master`, Spark's own configuration decides (``spark-submit --master``,
    spark-defaults.conf), and a plain Python process runs Spark locally on all cores.

    Example:
        >>> spark = spark_session("local[2]")  # doctest: +SKIP
    """
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is None:
        builder = SparkSession.builder.appName("inflresearch-aggregate")
        if master:
            builder = builder.master(master)
        if (master or "local").startswith("local"):
            builder = builder.config("spark.ui.enabled", "false").config(
                "spark.ui.showConsoleProgress", "false"
            )
        session = builder.getOrCreate()
        if (session.sparkContext.master or "").startswith("local"):
            # 200 shuffle partitions (the cluster default) make small local jobs slow
            parallelism = session.sparkContext.defaultParallelism
            session.conf.set("spark.sql.shuffle.partitions", str(max(2, 2 * parallelism)))
            session.sparkContext.setLogLevel("ERROR")
    return _strict(session)


def _strict(session: Any) -> Any:
    """Set what the aggregation relies on: UTC times and casts that fail instead of nulling."""
    session.conf.set("spark.sql.session.timeZone", "UTC")
    session.conf.set("spark.sql.ansi.enabled", "true")
    return session


def _engine(engine: str, spark: Any = None, master: str | None = None) -> _Engine:
    if engine == "duckdb":
        return _Engine()
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise ValueError(
                "engine='spark' needs PySpark: pip install 'inflresearch[spark]' "
                "(and a Java runtime)"
            ) from exc
        return _SparkEngine(spark, master)
    raise ValueError(f"unknown engine {quote(engine)}; expected one of {', '.join(ENGINES)}")


# --- the one aggregation ------------------------------------------------------------------------


def _typed(table: Any) -> Any:
    """The contract columns present in `table`, cast strictly; NaN and inf become missing."""
    import ibis

    out = {}
    for name, kind in TYPES.items():
        if name not in table.columns:
            continue
        col = table[name].cast(kind)
        if kind == "float64":  # NaN and inf compare greater than the largest float in both engines
            col = ibis.ifelse(col.abs() <= sys.float_info.max, col, ibis.null("float64"))
        out[name] = col
    return table.select(**out)


def _align(tables: list[Any]) -> Any:
    """Union of typed tables, a column missing from one file group filled with nulls."""
    import ibis

    present = [c for c in TYPES if any(c in t.columns for t in tables)]
    filled = [
        t.select(**{c: t[c] if c in t.columns else ibis.null(TYPES[c]) for c in present})
        for t in tables
    ]
    return filled[0] if len(filled) == 1 else ibis.union(*filled)


@functools.cache
def _max_by() -> dict[str, Any]:
    """SQL's max_by(value, time) for numbers and text: DuckDB's arg_max and Spark's max_by.
    (Ibis' own argmax compiles to an ordered first() on DuckDB, several times slower.)"""
    import ibis

    @ibis.udf.agg.builtin(name="max_by")
    def max_by_number(arg: float, key: datetime.datetime) -> float: ...  # type: ignore[empty-body]

    @ibis.udf.agg.builtin(name="max_by")
    def max_by_text(arg: str, key: datetime.datetime) -> str: ...  # type: ignore[empty-body]

    return {"float64": max_by_number, "string": max_by_text}


def _latest(col: Any, t: Any, has_time: bool) -> Any:
    """Value of `col` at the latest dated post (ties: any of them), else its maximum."""
    import ibis

    if not has_time:
        return col.max()
    max_by = _max_by()[TYPES[col.get_name()]]
    at_latest = max_by(col, t.posted_at, where=col.notnull() & t.posted_at.notnull())
    return ibis.coalesce(at_latest, col.max())


KEYS = ["platform", "account_id"]


def _text_expr(
    t: Any, texts: list[str], has_time: bool, max_posts: int, max_chars: int, ordered_concat: bool
) -> Any:
    """Per account: the texts of its latest `max_posts` posts, newest first, cut at `max_chars`.

    The posts are ranked by a window over the keys and texts only. Joining them in rank order is
    an ordered string_agg where the engine has one (DuckDB; twice as fast), else a sorted list.
    """
    import ibis

    order = [ibis.desc("posted_at"), ibis.desc("post_id")] if has_time else [ibis.desc("post_id")]
    keep = [*KEYS, "post_id", *(["posted_at"] if has_time else []), *texts]
    w = t.select(*keep).mutate(_rn=ibis.row_number().over(group_by=KEYS, order_by=order))
    w = w.filter(w._rn < max_posts)

    def joined(name: str) -> Any:
        present = w[name].notnull() & (w[name] != "")
        if ordered_concat:
            text = w[name].group_concat(" ", where=present, order_by=w._rn)
        else:
            items = ibis.struct({"r": w._rn, "x": w[name]}).collect(where=present)
            text = items.sort().map(lambda s: s.x).join(" ")
        return text.substr(0, max_chars)

    return w.group_by(KEYS).aggregate(**{TEXT_COLUMNS[n]: joined(n) for n in texts})


def account_expr(
    posts: Any,
    *,
    max_text_posts: int = 50,
    max_text_chars: int = 5000,
    ordered_concat: bool = False,
) -> Any:
    """The Ibis expression: typed posts table -> one row per (platform, account_id).

    Works on any Ibis backend; see the module docstring for the columns and their definitions.
    The text columns come from a second, narrow relation (a window over the keys and texts only)
    joined to the numeric aggregate, so the numbers never pass through a sort.

    Example:
        >>> import ibis, pandas as pd
        >>> t = _typed(ibis.memtable(pd.DataFrame({"account_id": ["a"], "post_id": ["1"],
        ...                                        "likes": [3.0]})))
        >>> ibis.duckdb.connect().to_pandas(account_expr(t))["avg_likes"].tolist()
        [3.0]
    """
    import ibis

    t = posts
    cols = set(t.columns)
    has_time = "posted_at" in cols
    platform = t.platform.strip().lower() if "platform" in cols else ibis.null("string")
    t = t.mutate(platform=ibis.coalesce(platform.nullif(""), ibis.literal("unknown")))

    aggs: dict[str, Any] = {"n_posts": t.count()}
    if "followers" in cols:
        aggs["followers"] = _latest(t.followers, t, has_time)
    for name in ("likes", "comments", "views"):
        if name in cols:
            aggs[f"avg_{name}"] = t[name].mean()
            aggs[f"median_{name}"] = t[name].median()
    if "comments" in cols:
        eng = t.likes + t.comments
        aggs["engagements"] = eng.mean()
        if "followers" in cols:
            ok = eng.notnull() & (t.followers > 0)
            aggs["engagement_rate"] = eng.sum(where=ok) / t.followers.sum(where=ok).nullif(0)
    if "niche" in cols:
        aggs["niche"] = _latest(t.niche, t, has_time)
    if has_time:
        aggs["first_post_at"] = t.posted_at.min()
        aggs["last_post_at"] = t.posted_at.max()
        aggs["_n_dated"] = t.posted_at.count()
    out = t.group_by(KEYS).aggregate(**aggs)
    texts = [c for c in TEXT_COLUMNS if c in cols] if max_text_posts > 0 else []
    if texts:
        text = _text_expr(t, texts, has_time, max_text_posts, max_text_chars, ordered_concat)
        out = out.left_join(text, KEYS).select(*out.columns, *text.drop(*KEYS).columns)
    return out.order_by(KEYS)


_DUPLICATE = "duplicate post_id"  # completed with the first file in `_quarantine_frame`
_TIES = ("posted_at", "likes", "comments", "views", "followers", "account_id")


def _checks(t: Any) -> list[tuple[str, Any]]:
    """(reason, passes) of every loader rule that applies to the columns of `t`, in the
    loaders' order of reasons."""
    checks = [(missing_reason(c), t[c].notnull()) for c in REQUIRED]
    checks += [
        (rule.reason, rule.passes(*(t[c] for c in rule.columns)).fill_null(True))
        for rule in row_rules("posts")
        if all(c in t.columns for c in rule.columns)
    ]
    return sorted(checks, key=lambda check: (reason_rank(check[0]), check[0]))


def _bad_expr(t: Any) -> Any:
    """Per row: True when it breaks one of the loaders' rules (no text built: cheap)."""
    return ~functools.reduce(operator.and_, [ok for _, ok in _checks(t)])


def _reason_expr(t: Any) -> Any:
    """Per row: the loaders' quarantine reasons ("; "-joined, in their order), null when good."""
    import ibis

    parts = [ibis.ifelse(ok, ibis.null("string"), ibis.literal(r)) for r, ok in _checks(t)]
    return ibis.literal("; ").join(parts).nullif("")


def _health(t: Any) -> Any:
    """One row: ``_n_ids`` non-missing post ids, ``_n_distinct`` distinct ones, ``_n_bad`` rows
    breaking a rule, of the posts `t` (with ``_bad``).

    One global aggregation over the ids and the rules' columns: its result decides whether the
    aggregation may run on the posts as they are (clean: no bad row, every id once).

    Example:
        >>> import ibis, pandas as pd
        >>> t = _typed(ibis.memtable(pd.DataFrame({"account_id": ["a", "a"],
        ...     "post_id": ["1", "1"], "likes": [3.0, -1.0]})))
        >>> ibis.duckdb.connect().to_pyarrow(_health(t.mutate(_bad=_bad_expr(t)))).to_pylist()
        [{'_n_ids': 2, '_n_distinct': 1, '_n_bad': 1}]
    """
    return t.aggregate(_n_ids=t.post_id.count(), _n_distinct=t.post_id.nunique(),
                       _n_bad=t.count(where=t._bad))


def _duplicated(t: Any) -> Any:
    """The post ids of several good rows of `t` (with ``_bad``): one ``post_id`` column."""
    good = t.filter(~t._bad)
    counts = good.group_by("post_id").aggregate(_n_good=good.count())
    return counts.filter(counts._n_good > 1).select("post_id")


def checked_posts(t: Any, duplicated: Any | None) -> tuple[Any, Any]:
    """(kept, quarantined) of the posts `t` (with ``_bad``, see `_bad_expr`).

    A row with a reason is quarantined with it. Among the good rows each post_id in the table
    `duplicated` (one ``post_id`` column) is kept once: its copy in the first file by name (then
    the earliest, least liked, ...); the other copies are quarantined as duplicates, with
    ``_first`` naming that file.

    Example:
        >>> import ibis, pandas as pd
        >>> t = _typed(ibis.memtable(pd.DataFrame({"account_id": ["a", "a", "b"],
        ...     "post_id": ["1", "1", "2"], "likes": [3.0, 3.0, -1.0], SOURCE: ["f", "g", "f"]})))
        >>> t = t.mutate(_bad=_bad_expr(t))
        >>> kept, bad = checked_posts(t, ibis.memtable(pd.DataFrame({"post_id": ["1"]})))
        >>> con = ibis.duckdb.connect()
        >>> len(con.to_pandas(kept)), sorted(con.to_pandas(bad)["_reason"])
        (1, ['duplicate post_id', 'negative count in likes'])
    """
    import ibis

    good = t.filter(~t._bad)
    bad = t.filter(t._bad)
    bad = bad.mutate(_reason=_reason_expr(bad), _first=ibis.null("string")).drop("_bad")
    if duplicated is None:
        return good.drop("_bad", SOURCE), bad
    copies = good.semi_join(duplicated, "post_id")
    order = [copies[c] for c in (SOURCE, *_TIES) if c in copies.columns]
    ranked = copies.mutate(
        _rn=ibis.row_number().over(group_by="post_id", order_by=order),
        _first=copies[SOURCE].min().over(group_by="post_id"),
    )
    first = ranked.filter(ranked._rn == 0).select(*good.columns)
    kept = good.anti_join(duplicated, "post_id").union(first).drop("_bad", SOURCE)
    dupes = ranked.filter(ranked._rn > 0).mutate(_reason=ibis.literal(_DUPLICATE))
    return kept, bad.union(dupes.select(*bad.columns))


def _file_name(path: object) -> str:
    text = str(path)
    return text[len("file://"):] if text.startswith("file://") else text


def _quarantine_frame(raw: pd.DataFrame | None) -> pd.DataFrame:
    """The quarantined rows as the loaders write them: source_file, the values, reason."""
    if raw is None:
        return pd.DataFrame(columns=["source_file", "reason"])
    source = raw[SOURCE].map(_file_name)
    first = raw["_first"].map(
        lambda f: duplicate_reason("post_id", Path(_file_name(f)).name), na_action="ignore"
    )
    reason = first.where(raw["_reason"] == _DUPLICATE, raw["_reason"])
    values = raw[[c for c in TYPES if c in raw.columns and c != SOURCE]]
    out = values.assign(reason=reason.astype("str"))
    out.insert(0, "source_file", source.astype("str"))
    return out.sort_values(["source_file", "post_id"], kind="stable").reset_index(drop=True)


def _finish(raw: pd.DataFrame) -> pd.DataFrame:
    """Tidy dtypes and column order; posts_per_week."""
    out = raw.reset_index(drop=True)
    if "_n_dated" in out.columns:
        first = pd.to_datetime(out["first_post_at"]).astype("datetime64[us]")
        last = pd.to_datetime(out["last_post_at"]).astype("datetime64[us]")
        weeks = (last - first).dt.total_seconds() / (7 * 86400)
        dated = out["_n_dated"].astype("float64")
        out = out.assign(
            first_post_at=first,
            last_post_at=last,
            posts_per_week=((dated - 1) / weeks).where((weeks > 0) & (dated >= 2)),
        ).drop(columns="_n_dated")
    for name in out.columns:
        if name in ("account_id", "platform", "niche", *TEXT_COLUMNS.values()):
            col = out[name].astype("string")
            out[name] = col.mask(col == "") if name in TEXT_COLUMNS.values() else col
        elif name == "n_posts":
            out[name] = out[name].astype("int64")
        elif not name.endswith("_at"):
            out[name] = out[name].astype("float64")
    order = [c for c in OUTPUT_ORDER if c in out.columns]
    return out[order]


def _execute(eng: _Engine, expr: Any) -> Any:
    return eng.con.to_pyarrow(expr)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Hide deprecation notices that Ibis 12 and PySpark 4 trigger in DuckDB 2 and pandas 3
    (theirs to fix, and nothing a user of this step can act on)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"fetch_arrow_table\(\) is deprecated")
        warnings.filterwarnings("ignore", r"The 'future.infer_string' option is deprecated")
        warnings.filterwarnings("ignore", r"The copy keyword is deprecated")
        yield


def _run(eng: _Engine, tables: list[Any], **text: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accounts, quarantined rows) of the tables' posts.

    Clean posts (the usual case) take two scans: `_health` and the aggregation itself. Bad rows
    add the scan that writes them out; duplicate ids add one hash aggregation over the good ids.
    """
    posts = _align([_typed(t) for t in tables])
    t = posts.mutate(_bad=_bad_expr(posts))
    health = _execute(eng, _health(t)).to_pylist()[0]
    unique = health["_n_ids"] == health["_n_distinct"]
    if unique and not health["_n_bad"]:
        expr = account_expr(posts.drop(SOURCE), **text, ordered_concat=eng.ordered_concat)
        return _finish(_execute(eng, expr).to_pandas()), _quarantine_frame(None)
    ids = None if unique else _execute(eng, _duplicated(t)).to_pandas()
    kept, bad = checked_posts(t, eng.frame(ids) if ids is not None and len(ids) else None)
    expr = account_expr(kept, **text, ordered_concat=eng.ordered_concat)
    accounts = _finish(_execute(eng, expr).to_pandas())
    return accounts, _quarantine_frame(_execute(eng, bad).to_pandas())


def _check_file(eng: _Engine, fmt: str, path: str) -> str | None:
    """Read every used value of one file through the engine; the error text, or None if clean."""
    try:
        t = _typed(eng.read(fmt, [path]))
        _execute(eng, t.aggregate(**{f"n_{c}": t[c].count() for c in t.columns}))
    except eng.errors() as exc:
        return _first_line(exc)
    return None


def aggregate_posts(
    source: str | Path | Iterable[str | Path] | pd.DataFrame,
    *,
    engine: str = "duckdb",
    skip_bad_files: bool = False,
    max_text_posts: int = 50,
    max_text_chars: int = 5000,
    spark: Any = None,
    spark_master: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> AggregateResult:
    """Aggregate posts files (or a posts DataFrame) to the account table on DuckDB or Spark.

    A bad file (unreadable, missing a required column, a value that does not cast) raises one
    `DataError` naming every bad file; with ``skip_bad_files=True`` those files are left out and
    listed in `AggregateResult.skipped`, and every row of the other files is used. ``columns``
    maps the files' headers to posts-contract names as in the loaders (files only).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> posts = simulate_world(seed=2, n_influencers=30, n_campaigns=1).posts
        >>> res = aggregate_posts(posts)
        >>> len(res.accounts), int(res.accounts["n_posts"].sum()) == len(posts)
        (30, True)
    """
    with _quiet_libraries():
        return _aggregate(
            source, engine=engine, skip_bad_files=skip_bad_files, max_text_posts=max_text_posts,
            max_text_chars=max_text_chars, spark=spark, spark_master=spark_master, columns=columns,
        )


def _aggregate(
    source: Any,
    *,
    engine: str,
    skip_bad_files: bool,
    max_text_posts: int,
    max_text_chars: int,
    spark: Any,
    spark_master: str | None,
    columns: Mapping[str, str | None] | None = None,
) -> AggregateResult:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {quote(engine)}; expected one of {', '.join(ENGINES)}")
    for name, value in (("max_text_posts", max_text_posts), ("max_text_chars", max_text_chars)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {quote(value)}")
    text = {"max_text_posts": max_text_posts, "max_text_chars": max_text_chars}
    if isinstance(source, pd.DataFrame):
        missing = [c for c in REQUIRED if c not in source.columns]
        if missing:
            raise DataError("missing required column(s) " + ", ".join(missing), path="posts table")
        eng = _engine(engine, spark, spark_master)
        data = source[[c for c in TYPES if c in source.columns and c != SOURCE]]
        data = data.assign(**{SOURCE: "<DataFrame>"})
        try:
            accounts, bad = _run(eng, [eng.frame(data)], **text)
        except eng.errors() as exc:
            raise DataError(_first_line(exc), path="posts table") from exc
        return AggregateResult(accounts, engine, ("<DataFrame>",), (), (), len(source), bad)
    return _aggregate_files(source, engine, skip_bad_files, text, spark, spark_master, columns)


def _aggregate_files(
    source: Any,
    engine: str,
    skip_bad_files: bool,
    text: dict[str, int],
    spark: Any,
    spark_master: str | None,
    columns: Mapping[str, str | None] | None = None,
) -> AggregateResult:
    """Preflight the files, aggregate; on an engine error find the bad files one by one."""
    files, ignored = resolve_files(source)
    groups, bad = _preflight(files, columns)
    if bad and not skip_bad_files:
        raise _bad_files_error(bad)
    if not groups:
        raise DataError("no readable posts file among " + ", ".join(files[:3]))
    eng = _engine(engine, spark, spark_master)
    eng.columns = columns
    try:
        accounts, bad_rows = _run(eng, [eng.read(f, fs) for (f, _), fs in groups.items()], **text)
    except eng.errors() as exc:
        more = [
            SkippedFile(path, reason)
            for (fmt, _), fs in groups.items()
            for path in fs
            if (reason := _check_file(eng, fmt, path))
        ]
        if not more:
            raise DataError(f"{engine} could not aggregate the files: {_first_line(exc)}") from exc
        bad += more
        if not skip_bad_files:
            raise _bad_files_error(bad) from exc
        bad_paths = {b.path for b in more}
        groups = {k: [p for p in fs if p not in bad_paths] for k, fs in groups.items()}
        groups = {k: fs for k, fs in groups.items() if fs}
        if not groups:
            raise _bad_files_error(bad) from exc
        accounts, bad_rows = _run(
            eng, [eng.read(fmt, fs) for (fmt, _), fs in groups.items()], **text
        )
    used = tuple(p for fs in groups.values() for p in fs)
    n_rows = int(accounts["n_posts"].sum()) + len(bad_rows)
    return AggregateResult(accounts, engine, used, tuple(bad), tuple(ignored), n_rows, bad_rows)


def _bad_files_error(bad: list[SkippedFile]) -> DataError:
    listing = "; ".join(f"{b.path}: {b.reason}" for b in bad)
    return DataError(
        f"{len(bad)} bad posts file(s) - {listing}. Fix or remove them, or pass "
        "--skip-bad-files (skip_bad_files=True) to aggregate the others"
    )


def write_accounts(accounts: pd.DataFrame, out: str | Path) -> Path:
    """Write the account table atomically to a new .parquet or .csv file; never overwrites.

    The file is created exclusively: of two runs writing the same name at once, one wins and the
    other gets a `DataError` (the winner's file stays as it is).

    Example:
        >>> write_accounts(pd.DataFrame({"account_id": ["a"]}), "x.txt")
        Traceback (most recent call last):
        ...
        inflresearch.errors.DataError: x.txt: output must end in .parquet or .csv
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv"):
        raise DataError("output must end in .parquet or .csv", path=out)
    if out.exists():
        raise DataError(
            "output exists; choose a new name or remove it (never overwritten)", path=out
        )

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            write_csv(accounts, tmp, date_format="%Y-%m-%dT%H:%M:%S")
        else:
            accounts.to_parquet(tmp, index=False)

    try:
        return atomic_write(out, write, exclusive=True)
    except FileExistsError as exc:
        if not out.exists():  # a file where a folder of the path should be
            raise DataError(f"cannot write: {exc.filename} is not a folder", path=out) from None
        raise DataError("output exists (created while this run was writing); choose a new name "
                        "(never overwritten)", path=out) from None
    except OSError as exc:
        raise DataError(f"cannot write: {exc.strerror or exc}", path=out) from None


def write_posts_quarantine(result: AggregateResult, folder: str | Path) -> Path | None:
    """Write the quarantined posts of `result` to ``quarantine-posts.csv`` in `folder` (the next
    free name; see `inflresearch.data.quarantine.write_quarantine`); None when there are none.

    Example:
        >>> import tempfile
        >>> res = aggregate_posts(pd.DataFrame({"account_id": ["a", "a"], "post_id": ["1", "1"],
        ...                                     "likes": [2.0, 2.0]}))
        >>> write_posts_quarantine(res, tempfile.mkdtemp()).name
        'quarantine-posts.csv'
    """
    if not len(result.quarantined):
        return None
    return write_quarantine(result.quarantined, folder, "posts")


def load_accounts_from_posts(
    path_or_glob: str | Path | Iterable[str | Path] | pd.DataFrame,
    *,
    engine: str = "duckdb",
    skip_bad_files: bool = False,
) -> pd.DataFrame:
    """The account table for a notebook given posts data (see `aggregate_posts`).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> acc = load_accounts_from_posts(sample_file("posts"))  # doctest: +SKIP
    """
    return aggregate_posts(path_or_glob, engine=engine, skip_bad_files=skip_bad_files).accounts
