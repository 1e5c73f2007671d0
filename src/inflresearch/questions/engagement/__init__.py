"""Question 1: does engagement fall as follower count grows, and is there a sweet spot?"""

from inflresearch import claims
from inflresearch.questions._base import Need, Question

QUESTION = Question(
    name="engagement",
    title="Engagement versus follower count",
    notebook="notebooks/01_engagement_vs_followers.ipynb",
    claims=(claims.ENGAGEMENT_RATE_DECLINES, claims.ENGAGEMENT_INVERTED_U, claims.ENGAGEMENT_RATE_SWEET_SPOT),
    inputs={"data": "influencers", "posts": "posts"},
    needs=(
        Need(("data", "posts"), ("followers",), "follower count"),
        Need(("data", "posts"), ("engagements", "engagement_rate", "avg_likes", "likes"),
             "engagement column (engagements, engagement rate or likes)"),
    ),
    sufficient=("data", "posts"),
    min_rows={"data": 20},  # the segmented fit needs 20 accounts
    mappings={"data": "columns", "posts": "post_columns"},
    small_parameters={"n_boot": 200},
)
