"""Notebook 02 (niche discovery): parameters, inputs and the whole analysis in one call.

`notebook_params` coerces the papermill parameters, `load_inputs` reads the influencers table and
optional posts (and a side file of captions keyed by post, as in the Kim et al. 2020 export)
through `load_tables`, and `run_analysis` fits the niche model and computes every table of the
notebook. The clustering sees text only: never the category column, never followers.

Example:
    >>> import tempfile
    >>> p = notebook_params(k="6", run_dir=tempfile.mkdtemp())
    >>> p.k, p.simulated, p.category_column
    (6, True, 'niche')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from inflresearch.claims import Claim
from inflresearch.data.load import LoadResult
from inflresearch.errors import DataError
from inflresearch.methods.elasticity import niche_elasticities
from inflresearch.params import (
    coerce_alpha,
    coerce_choice,
    coerce_column_map,
    coerce_int,
    coerce_optional_data,
    coerce_optional_str,
    coerce_run_dir,
    coerce_str_list,
    input_records,
    is_sample,
    resolve_inputs,
)
from inflresearch.plots import figure_of
from inflresearch.plots.forest import plot_forest
from inflresearch.questions._base import (
    Analysis,
    Inputs,
    NotebookParameters,
    RunParams,
    Table,
    absent,
    banner_lines,
    load_tables,
)
from inflresearch.questions.niches import QUESTION, plots
from inflresearch.questions.niches.choice import with_choice_note
from inflresearch.questions.niches.focus import FocusResult, focus_data, focus_test
from inflresearch.questions.niches.model import NO_TEXT, WEAK_JACCARD, NicheModel
from inflresearch.questions.niches.tables import agreement, confusion, niche_profiles, size_split
from inflresearch.questions.niches.text import account_documents
from inflresearch.questions.niches.words import verdict_markdown
from inflresearch.text import md_code, md_escape

NOTEBOOK = "02_niche_clustering"
ACCOUNT_TEXT = ("bio", "hashtags")
POST_TEXT = ("caption", "hashtags")


@dataclass(frozen=True, kw_only=True)
class NicheParams(RunParams):
    """The coerced parameters of notebook 02."""

    data: Path
    posts: Path | list[Path] | None  # a list: the files of one scrape, read together
    captions: Path | None
    text_columns: tuple[str, ...] | None
    post_text_columns: tuple[str, ...] | None
    k: int | str
    k_min: int
    k_max: int
    category_column: str | None
    columns: Mapping[str, str | None] | None
    post_columns: Mapping[str, str | None] | None
    stop_words: tuple[str, ...]
    seed: int
    alpha: float
    n_resamples: int
    n_boot: int
    engine: str = "duckdb"


class Parameters(NotebookParameters):
    """Notebook 02's ``parameters`` cell, declared once (its comments say what each one is)."""

    data: str | list[str] = "sample"
    posts: str | list[str] | None = None
    captions: str | None = None
    text_columns: str | list[str] | None = None
    post_text_columns: str | list[str] | None = None
    k: int | str = "auto"
    k_min: int = 4
    k_max: int = 12
    category_column: str | None = None
    columns: str | dict[str, str | None] | None = None
    post_columns: str | dict[str, str | None] | None = None
    stop_words: str | list[str] | None = None
    seed: int = 7
    alpha: float = 0.05
    n_resamples: int = 10
    n_boot: int = 200
    engine: str = "duckdb"
    run_dir: str | None = None

    def coerce(self) -> NicheParams:
        """Coerce and validate: one `ValueError` naming a bad parameter.

        `text_columns` / `post_text_columns` None use whichever of bio, hashtags / caption,
        hashtags the tables have. `category_column` None means no known category, except on the
        SIMULATED sample, where the true niche is used to show agreement (the clustering never
        sees it).
        """
        given = resolve_inputs(list(QUESTION.inputs), {"data": self.data, "posts": self.posts})
        data, posts = given["data"], given["posts"]
        data_path = coerce_optional_data(data, "data", "influencers")
        if data_path is None:
            raise ValueError("parameter 'data' must be a file path or 'sample'")
        k = self.k
        if isinstance(k, str) and k.strip().lower() == "auto":
            k_value: int | str = "auto"
        else:
            k_value = coerce_int(k, "k", minimum=2)
        k_min, k_max = coerce_int(self.k_min, "k_min", minimum=2), coerce_int(self.k_max, "k_max", minimum=2)
        if k_min > k_max:
            raise ValueError(f"parameter 'k_min' ({k_min}) must not exceed 'k_max' ({k_max})")
        category = coerce_optional_str(self.category_column, "category_column")
        simulated = is_sample(data)
        if category is None and simulated:
            category = "niche"
        texts = None if self.text_columns is None else tuple(coerce_str_list(self.text_columns, "text_columns"))
        post_texts = (None if self.post_text_columns is None
                      else tuple(coerce_str_list(self.post_text_columns, "post_text_columns")))
        for name in (*(texts or ()), *(post_texts or ())):
            if category is not None and name == category:
                raise ValueError(f"the category column {category!r} must not be a text column")
            if "follower" in name.lower():
                raise ValueError(f"follower columns must not be text columns: {name!r}")
        return NicheParams(
            notebook=NOTEBOOK, data=data_path, posts=_posts(posts),
            captions=coerce_optional_data(self.captions, "captions", "posts"), simulated=simulated,
            text_columns=texts, post_text_columns=post_texts, k=k_value, k_min=k_min, k_max=k_max,
            category_column=category, columns=coerce_column_map(self.columns, "columns", "influencers"),
            post_columns=coerce_column_map(self.post_columns, "post_columns", "posts"),
            stop_words=tuple(coerce_str_list(self.stop_words, "stop_words")),
            seed=coerce_int(self.seed, "seed", minimum=0), alpha=coerce_alpha(self.alpha),
            n_resamples=coerce_int(self.n_resamples, "n_resamples", minimum=0),
            n_boot=coerce_int(self.n_boot, "n_boot", minimum=0), run_dir=coerce_run_dir(self.run_dir, NOTEBOOK),
            engine=coerce_choice(self.engine, "engine", ("duckdb", "spark")),
            inputs=input_records(given, QUESTION.inputs),
        )


def _posts(value: Any) -> Path | list[Path] | None:
    """The posts parameter: one file or folder, or a list of files (the posts of one scrape).

    Example:
        >>> _posts(None) is None
        True
    """
    if isinstance(value, list | tuple):
        paths = [coerce_optional_data(v, "posts", "posts") for v in value]
        return [p for p in paths if p is not None] or None
    return coerce_optional_data(value, "posts", "posts")


def notebook_params(namespace: Mapping[str, Any] | None = None, /, **given: Any) -> NicheParams:
    """Notebook 02's parameters, from the notebook's namespace (``globals()``) and/or by name.

    Example:
        >>> import tempfile
        >>> notebook_params(k="auto", k_min="3", k_max=5, run_dir=tempfile.mkdtemp()).k_max
        5
    """
    return Parameters.read(namespace, **given).coerce()


def attach_captions(posts: pd.DataFrame, path: str | Path) -> tuple[pd.DataFrame, str]:
    """Join a side file of captions (a post key column plus ``caption``) onto `posts`.

    The key is the file's first column that `posts` also has (e.g. ``shortcode`` or
    ``post_id``). Returns the posts and a one-line summary of how many were matched.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = f.write_text("shortcode,caption\\nA1,hello #gym\\n")
        >>> out, line = attach_captions(pd.DataFrame({"shortcode": ["A1", "B2"]}), f)
        >>> out["caption"].tolist(), line
        (['hello #gym', nan], 'c.csv: captions for 1 of 2 posts')
    """
    try:
        side = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the captions file: {exc}", path=path) from None
    side.columns = [str(c).strip().lower() for c in side.columns]
    if "caption" not in side.columns:
        raise DataError("the captions file has no 'caption' column", path=path,
                        values=list(side.columns))
    key = next((c for c in side.columns if c != "caption" and c in posts.columns), None)
    if key is None:
        raise DataError("no column of the captions file matches a posts column (e.g. shortcode)",
                        path=path, values=list(side.columns))
    side = side.drop_duplicates(key).set_index(key)["caption"]
    out = posts.drop(columns=["caption"], errors="ignore")
    out["caption"] = out[key].astype(str).map(side)
    matched = int(out["caption"].notna().sum())
    line = f"{Path(path).name}: captions for {matched:,} of {len(out):,} posts"
    return out, line


def _category(result: LoadResult, name: str) -> pd.Series:
    """The category column by its name in the file or its contract / normalised name."""
    data = result.data
    norm = name.strip().lower().replace(" ", "_")
    by_source = {src.strip().lower(): contract for contract, src in result.columns.items()}
    for candidate in (name, norm, by_source.get(name.strip().lower())):
        if candidate and candidate in data.columns:
            return data[candidate].astype("string").rename(name)
    raise DataError(f"category column {name!r} not found; the table has "
                    f"{', '.join(map(str, data.columns))}", path=result.path, column=name)


def load_inputs(p: NicheParams) -> Inputs:
    """Read the influencers table (and posts, and captions) of `p` through `load_tables`.

    Without engagement in the influencers table, ``engagements`` per account are the mean
    likes + comments of its posts (when posts are given), computed by the aggregation step
    (`aggregate.load_accounts_from_posts`) on `p.engine`. ``inputs.category`` is the known
    category (None without `category_column`).
    """
    out = load_tables([Table("accounts", "data", "influencers", (p.data,), p.columns),
                       Table("posts", "posts", "posts", tuple(p.posts) if isinstance(p.posts, list)
                             else (p.posts,) if p.posts else (), p.post_columns)],
                      p.run_dir)
    out.extras["category"] = _category(out.results["accounts"], p.category_column) if p.category_column else None
    posts, accounts = out.posts, out.accounts
    if posts is None:
        return out
    if p.captions is not None:
        posts, line = attach_captions(posts, p.captions)
        out.add_file(p.captions, len(posts), line)
        out.tables["posts"] = posts
    known = posts["account_id"].astype(str).isin(set(accounts["account_id"].astype(str)))
    if not known.all():
        out.summaries.append(f"{int((~known).sum()):,} posts of "
                             f"{posts.loc[~known, 'account_id'].nunique():,} accounts that are not "
                             "in the influencers table were not used")
    eng = accounts["engagements"] if "engagements" in accounts.columns else None
    if (eng is None or eng.isna().all()) and {"likes", "comments"} <= set(posts.columns):
        from inflresearch.data.aggregate import load_accounts_from_posts

        agg = load_accounts_from_posts(posts, engine=p.engine)
        per = pd.Series(agg["engagements"].to_numpy(float), index=agg["account_id"].astype(str))
        per = per[~per.index.duplicated()]
        out.tables["accounts"] = accounts.assign(
            engagements=accounts["account_id"].astype(str).map(per).astype(float))
        out.summaries.append(f"engagements per account = mean likes + comments of its posts "
                             f"(aggregated on {p.engine})")
    return out


def data_banner(p: NicheParams, inputs: Inputs) -> str:
    """Markdown naming the inputs (escaped), with a SIMULATED label for the sample."""
    lines = banner_lines(p.simulated, inputs.summaries, of="accounts")
    if p.category_column:
        lines.append(f"- known category: column {md_code(p.category_column)} (used only "
                     "to measure agreement, never by the clustering)")
    return "\n".join(lines)


def _present(frame: pd.DataFrame | None, wanted: tuple[str, ...] | None,
             default: tuple[str, ...]) -> list[str]:
    if frame is None:
        return []
    if wanted is not None:
        return list(wanted)
    return [c for c in default if c in frame.columns and frame[c].notna().any()]


@dataclass
class NicheAnalysis(Analysis):
    """Every result of notebook 02, computed by `run_analysis`."""

    documents: pd.DataFrame
    model: NicheModel
    terms: pd.DataFrame
    profiles: pd.DataFrame
    size_check: pd.DataFrame
    focus: FocusResult
    agreement: pd.DataFrame | None
    confusion: pd.DataFrame | None
    elasticities: pd.DataFrame | None
    accounts: pd.DataFrame

    def tested_claims(self) -> list[Claim]:
        """The focus claim as tested (`claims()` gives it Holm-adjusted for the report)."""
        return [with_choice_note(self.focus.claim, self.model)]

    def files(self) -> dict[str, pd.DataFrame]:
        """``niches.csv``: every account's discovered niche (the assignments)."""
        return {"niches.csv": self.model.assignments_}

    def agreement_views(self, *, simulated: bool) -> list[Any]:
        """Agreement with the known category and the confusion heatmap, or why there are none."""
        if self.agreement is None or self.confusion is None:
            return [absent("No known category was given (parameter `category_column`).")]
        ax = plots.plot_confusion(self.confusion, simulated=simulated)
        return [self.agreement, figure_of(ax)]

    def focus_views(self, *, simulated: bool) -> list[Any]:
        """The focus verdict, its figure (when the test ran) and the table."""
        views: list[Any] = [Markdown(verdict_markdown(self.focus.claim))]
        if len(self.focus.table):
            icpt, slope = self.focus.line()
            ax = plots.plot_focus(self.focus.data, slope=slope, intercept=icpt, simulated=simulated)
            views.append(figure_of(ax))
        return [*views, self.focus.table]

    def elasticity_views(self, *, simulated: bool) -> list[Any]:
        """Per-niche elasticities of engagement on followers, or why there are none."""
        if self.elasticities is None:
            return [absent("No engagement data: per-niche elasticities were not estimated.")]
        ax = plot_forest(self.elasticities, simulated=simulated)
        return [figure_of(ax), self.elasticities]

    def estimates(self) -> dict[str, Any]:
        """Estimates for results.json: k, silhouette (and ari, nmi with a category)."""
        out = self.model.summary()
        out["size_split"] = self.size_check.set_index("metric")["estimate"].to_dict()
        if self.agreement is not None:
            for _, row in self.agreement.iterrows():
                out[row["metric"]] = float(row["estimate"])
                out[f"{row['metric']}_ci"] = [float(row["ci_low"]), float(row["ci_high"])]
        if self.elasticities is not None:
            out["niche_elasticities"] = self.elasticities[
                ["niche", "estimate", "ci_low", "ci_high", "n"]].to_dict(orient="records")
        return out


def run_analysis(inputs: Inputs, p: NicheParams) -> NicheAnalysis:
    """Fit the niche model on the inputs' text and compute every table of notebook 02."""
    texts = _present(inputs.accounts, p.text_columns, ACCOUNT_TEXT)
    post_texts = _present(inputs.posts, p.post_text_columns, POST_TEXT)
    if not texts and not post_texts:
        raise DataError("no text column found: the tables have none of bio, hashtags, caption; "
                        "name them with text_columns / post_text_columns")
    docs = account_documents(inputs.accounts, inputs.posts, text_columns=texts,
                             post_text_columns=post_texts, stop_words=p.stop_words)
    model = NicheModel(
        n_niches=p.k, k_range=(p.k_min, p.k_max), n_resamples=p.n_resamples, seed=p.seed,
    ).fit(docs)
    a = model.assignments_
    followers = inputs.accounts["followers"].reset_index(drop=True)
    terms = (model.terms_.groupby("niche", sort=False)["term"].agg(", ".join).rename("top_terms")
             .reset_index().merge(model.stability_, on="niche"))
    accounts = inputs.accounts.reset_index(drop=True).assign(
        niche_discovered=a["niche_discovered"].to_numpy(), niche_label=a["niche_label"].to_numpy())
    agree = conf = None
    if inputs.category is not None:
        agree = agreement(a, inputs.category, n_boot=p.n_boot, seed=p.seed, alpha=p.alpha)
        conf = confusion(a, inputs.category)
    elasticities = None
    if "engagements" in accounts.columns:
        with_text = accounts[accounts["niche_discovered"] != NO_TEXT]
        try:
            elasticities = niche_elasticities(with_text, niche="niche_label", alpha=p.alpha)
        except DataError:
            elasticities = None
    return NicheAnalysis(
        documents=docs, model=model, terms=terms,
        profiles=niche_profiles(a, inputs.accounts, alpha=p.alpha),
        size_check=size_split(a, followers, n_boot=p.n_boot, seed=p.seed, alpha=p.alpha),
        focus=focus_test(focus_data(model, docs, inputs.accounts), alpha=p.alpha),
        agreement=agree, confusion=conf, elasticities=elasticities, accounts=accounts,
    )


def no_text_markdown(model: NicheModel) -> str:
    """One sentence on accounts without usable text (counted, labelled, never dropped)."""
    s = model.summary()
    return (f"{s['n_clustered']:,} of {s['n_accounts']:,} accounts were clustered. "
            f"{s['n_no_text']:,} had no text and {s['n_no_usable_terms']:,} had only terms too "
            f"rare or too common to use; they are kept with the niche `{NO_TEXT}` and left out "
            "of the clustering, the agreement and the focus test.")


def weak_markdown(model: NicheModel) -> str:
    """Whether the niches are stable enough to trust (numbers only)."""
    s = model.summary()
    weak = model.stability_[model.stability_["weak"]]["niche"].tolist()
    if not s["weak_niches"]:
        return (f"**{s['k']} niches**, separated (silhouette {s['silhouette']:.2f}) and stable "
                f"across resamples (stability ARI {s['stability']:.2f}; every niche's Jaccard "
                f">= {WEAK_JACCARD}).")
    detail = f" Weak niches: {md_escape(', '.join(map(str, weak)))}." if weak else ""
    return (f"**Caution: weak niches** (chosen k = {s['k']}, stability ARI {s['stability']:.2f}, "
            f"silhouette {s['silhouette']:.2f}): the clustering does not reproduce almost exactly "
            f"across resamples (stability below {model.strong_stability}), some niche is not "
            f"stable (Jaccard below {WEAK_JACCARD}) or the niches are barely separated "
            f"(silhouette below {model.min_silhouette}).{detail} Read them as tendencies, not as "
            "distinct groups.")


def map_points(model: NicheModel, *, max_points: int = 2000, seed: int = 7) -> pd.DataFrame:
    """2-D map of clustered accounts: the LSA space projected on the first two principal axes of
    the niche centroids (niches spread apart as far as the data allows); a seeded subsample."""
    space = np.asarray(model.space_, dtype=float)
    labels = model.labels_[model.usable_]
    centers = np.vstack([space[labels == j].mean(0) for j in range(model.k_)])
    centred = centers - centers.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2].T if vt.shape[0] >= 2 else np.eye(space.shape[1])[:, :2]
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(len(space), size=min(len(space), max_points), replace=False))
    xy = (space[idx] - centers.mean(0)) @ axes
    names = np.array([f"N{j + 1}" for j in range(model.k_)], dtype=object)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "niche": names[labels[idx]]})
