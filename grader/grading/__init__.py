"""The grading core: runs untrusted submissions in a subprocess per kata, times them, and judges the results."""
