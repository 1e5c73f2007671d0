"""Question 4: can engagement pick creators? Size-adjusted engagement, its persistence, and a
shortlist that is tested against the vendors' raw engagement rate out of sample."""

from inflresearch import claims
from inflresearch.questions._base import Need, Question

QUESTION = Question(
    name="creators",
    title="Picking creators: reliability of size-adjusted engagement",
    notebook="notebooks/04_pick_creators.ipynb",
    claims=(claims.ENGAGEMENT_IS_PERSISTENT, claims.ADJUSTED_PICK_BEATS_RAW_RATE),
    inputs={"data": "posts", "influencers": "influencers"},
    needs=(
        Need(("data",), ("likes",), "likes per post"),
        Need(("data", "influencers"), ("followers",), "follower count"),
    ),
    tested_by=("data",),
    min_rows={"data": 20},
    mappings={"data": "columns", "influencers": "influencer_columns"},
    small_parameters={"n_boot": 200},
)
