"""The learner's tools: ``watch``, ``hint``, ``list`` and the last-grade state they share."""
