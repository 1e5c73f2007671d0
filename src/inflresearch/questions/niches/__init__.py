"""Question 2: which content niches exist, and do micro-influencers speak to a more focused one?"""

from inflresearch import claims
from inflresearch.questions._base import Question

QUESTION = Question(
    name="niches",
    title="Content niches",
    notebook="notebooks/02_niche_clustering.ipynb",
    claims=(claims.MICRO_AUDIENCES_MORE_FOCUSED,),
    inputs={"data": "influencers", "posts": "posts"},
    small_parameters={"k": "auto", "k_min": 3, "k_max": 7, "category_column": "niche"},
)
