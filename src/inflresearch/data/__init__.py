"""The three tidy tables (influencers, posts, campaigns): their contract, the loaders that map,
parse, validate and quarantine real exports, and the SIMULATED world with known truth.

The public entry points are re-exported here; the implementation modules are `contract`,
`headers`, `human_numbers`, `mapping`, `presets`, `schema`, `reading`, `coercion`, `limits`,
`quarantine`, `load` and `synth`. The aggregation of
posts into accounts (DuckDB / Spark via Ibis) is `inflresearch.data.aggregate`, imported on its
own because it loads Ibis.

Example:
    >>> from inflresearch.data import read_table
    >>> from inflresearch.paths import sample_file
    >>> read_table(sample_file("campaigns"), "campaigns").data["channel"].nunique()
    2
"""

from inflresearch.data.contract import TABLES, column_names
from inflresearch.data.load import LoadResult, load_campaigns, load_influencers, load_posts, read_table
from inflresearch.data.synth import World, simulate_world, write_world

__all__ = ["TABLES", "LoadResult", "World", "column_names", "load_campaigns", "load_influencers", "load_posts",
           "read_table", "simulate_world", "write_world"]
