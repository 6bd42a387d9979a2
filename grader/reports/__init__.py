"""Renderers of grading results: the terminal table, JSON and JUnit files, the classroom job summary."""
