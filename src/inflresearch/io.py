"""Former home of the loaders, kept so that ``inflresearch.io.load_influencers`` keeps working.

The loaders live in `inflresearch.data.load`; use that in new code.
"""

from inflresearch.data.load import load_campaigns, load_influencers, load_posts, read_table

__all__ = ["load_campaigns", "load_influencers", "load_posts", "read_table"]
