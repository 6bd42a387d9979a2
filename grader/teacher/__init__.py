"""The teacher's tools: exports for a classroom, its workflow, ``regrade`` and the nbgrader course."""
