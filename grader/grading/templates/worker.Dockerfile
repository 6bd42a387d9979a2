# The sandboxed worker's image for `--sandbox docker|podman`: the grader's Python and NumPy versions and
# nothing else. Built once per version pair by the grader (grader/grading/sandbox.py).
FROM python:@PYTHON@-slim
RUN pip install --no-cache-dir "numpy==@NUMPY@"
