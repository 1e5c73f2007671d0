"""Question 3: do micro-influencers return more per dollar than macro, one large, or traditional?"""

from inflresearch import claims
from inflresearch.questions._base import Need, Question

QUESTION = Question(
    name="roi",
    title="Return on investment: micro versus macro",
    notebook="notebooks/03_roi_micro_vs_macro.ipynb",
    claims=(claims.MICRO_ROI_EXCEEDS_MACRO, claims.TEN_MICRO_BEAT_ONE_MACRO,
            claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL),
    inputs={"data": "campaigns", "influencers": "influencers"},
    needs=(
        Need(("data",), ("cost",), "cost per activation"),
        Need(("data",), ("revenue", "conversions", "clicks", "engagements", "impressions"),
             "outcome column (revenue, conversions, clicks, engagements or impressions)"),
        Need(("influencers",), ("followers",), "follower count"),
        Need(("influencers",), ("engagements", "engagement_rate", "avg_likes"),
             "engagement column (engagements, engagement rate or likes)"),
    ),
    sufficient=("data", "influencers"),
    tested_by=("data",),
    mappings={"data": "columns", "influencers": "columns"},
    small_parameters={"n_boot": 200, "n_portfolios": 500},
)
