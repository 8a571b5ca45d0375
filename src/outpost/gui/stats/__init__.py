"""The Stats tab (issue #21): how each post did, per network, and when to post.

Importing this package costs nothing: `tab.StatsTab` builds its content, and imports QtCharts,
only when it is first shown (`view.py`, `charts.py`). `best_times.py` and `source.py` are Qt-free
enough for the composer to use without charts.
"""
