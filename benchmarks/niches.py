"""Benchmark: niche discovery on 50,000 SIMULATED accounts, k chosen over 4..12.

Prints the time to build the account documents, to fit `NicheModel` (TF-IDF blocks, SVD, k-means
for every k with silhouette and resampling stability, NMF topics) and the ratio of the fit to a
bare scikit-learn pipeline at the chosen k (TfidfVectorizer + NMF + KMeans, no k selection).
Target: documents + fit under 60 s on a 2-core machine.

Run: .venv/bin/python benchmarks/niches.py [n_accounts]
"""

from __future__ import annotations

import sys
import time

from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from inflresearch.data.synth import simulate_world
from inflresearch.questions.niches.model import NicheModel
from inflresearch.questions.niches.text import account_documents


def main(n: int = 50_000) -> None:
    world = simulate_world(seed=1, n_influencers=n, n_campaigns=0, posts_per_account=4.0)
    print(f"SIMULATED world: {n:,} accounts, {len(world.posts):,} posts")
    t0 = time.perf_counter()
    docs = account_documents(world.influencers, world.posts, text_columns=["bio", "hashtags"],
                             post_text_columns=["caption", "hashtags"])
    t_docs = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = NicheModel(k_range=(4, 12), n_resamples=10, seed=1).fit(docs)
    t_fit = time.perf_counter() - t0
    ari = adjusted_rand_score(world.influencers["niche"], model.assignments_["niche_discovered"])
    print(f"NicheModel: k = {model.k_} chosen over 4..12 (weak: {model.weak_}), ARI vs truth "
          f"{ari:.3f}; documents {t_docs:.1f} s + fit {t_fit:.1f} s = {t_docs + t_fit:.1f} s")
    k = model.k_
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):  # the same thread budget as NicheModel's default
        x = TfidfVectorizer().fit_transform(docs["document"])
        w = NMF(n_components=k, init="nndsvda", random_state=1, max_iter=500).fit_transform(x)
        labels = KMeans(k, n_init=3, random_state=1).fit_predict(normalize(w))
    t_bare = time.perf_counter() - t0
    bare_ari = adjusted_rand_score(world.influencers["niche"], labels)
    print(f"bare TfidfVectorizer + NMF + KMeans at k = {k}: {t_bare:.1f} s (ARI {bare_ari:.3f})")
    print(f"ratio NicheModel fit / bare pipeline: {t_fit / t_bare:.1f}x "
          f"(k selection over {len(model.selection_)} values of k with "
          f"{model.n_resamples} stability refits each)")
    print(model.selection_[["k", "silhouette", "stability", "chosen"]].round(3).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
