"""The contributor's tools: stubs generated from the solutions, ``dev check`` and ``dev new``."""
