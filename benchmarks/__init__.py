"""The benchmark report of the katas' baselines against the production implementations (``make bench``)."""
