"""Seaborn figures, one module per research question. Each function takes data and an optional
``ax``, draws, and returns the Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``."""
