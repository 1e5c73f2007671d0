"""Former home of the aggregation step, kept so that ``inflresearch.aggregate.aggregate_posts`` keeps working.

The aggregation lives in `inflresearch.data.aggregate`; use that in new code.
"""

from inflresearch.data.aggregate import aggregate_posts, load_accounts_from_posts, write_accounts

__all__ = ["aggregate_posts", "load_accounts_from_posts", "write_accounts"]
