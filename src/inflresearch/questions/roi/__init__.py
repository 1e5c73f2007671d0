"""Question 3: do micro-influencers return more per dollar than macro, one large, or traditional?"""

from inflresearch import claims
from inflresearch.questions._base import Question

QUESTION = Question(
    name="roi",
    title="Return on investment: micro versus macro",
    notebook="notebooks/03_roi_micro_vs_macro.ipynb",
    claims=(claims.MICRO_ROI_EXCEEDS_MACRO, claims.TEN_MICRO_BEAT_ONE_MACRO,
            claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL),
    inputs={"data": "campaigns", "influencers": "influencers"},
    small_parameters={"n_boot": 200, "n_portfolios": 500},
)
