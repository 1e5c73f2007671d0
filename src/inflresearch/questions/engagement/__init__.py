"""Question 1: does engagement fall as follower count grows, and is there a sweet spot?"""

from inflresearch import claims
from inflresearch.questions._base import Question

QUESTION = Question(
    name="engagement",
    title="Engagement versus follower count",
    notebook="notebooks/01_engagement_vs_followers.ipynb",
    claims=(claims.ENGAGEMENT_RATE_DECLINES, claims.ENGAGEMENT_INVERTED_U),
    inputs={"data": "influencers", "posts": "posts"},
    small_parameters={"n_boot": 200},
)
