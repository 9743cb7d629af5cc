"""Scripts that print measured figures (never timed asserts). Run one from the repository's
root folder as a module, e.g. ``python -m benchmarks.bench_pages``, so that it imports
``coursecode`` and the developer tools (``coursedev``) as they are in this checkout."""
