"""Question 2: which content niches exist, and do micro-influencers speak to a more focused one?"""

from inflresearch import claims
from inflresearch.questions._base import Need, Question

QUESTION = Question(
    name="niches",
    title="Content niches",
    notebook="notebooks/02_niche_clustering.ipynb",
    claims=(claims.MICRO_AUDIENCES_MORE_FOCUSED,),
    inputs={"data": "influencers", "posts": "posts"},
    needs=(
        Need(("data",), ("followers",), "follower count"),
        Need(("data", "posts"), ("bio", "hashtags", "caption"),
             "text to cluster (account bio or hashtags, or post captions or hashtags)"),
    ),
    mappings={"data": "columns", "posts": "post_columns"},
    small_parameters={"k": "auto", "k_min": 3, "k_max": 7, "category_column": "niche"},
)
