"""Compiled baselines: one module per kata, named after its slug.

Each module offers the kata's functions with the contract's signatures (hidden tests use them as an
independent oracle) and the kata's speed workload: ``WORKLOAD`` (a title), ``make_inputs(rng)``,
``run_baseline(inputs)``, ``run_submission(module, inputs)`` and ``compare(got, expected)``, which
returns None when the submission's output is right and a one-line reason otherwise.
"""
