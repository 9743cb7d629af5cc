"""The course's developer tools: build the book, serve it on 127.0.0.1, drive Chromium, make
Binder's environment.

Used by the tests (tests/) and the benchmarks (benchmarks/); not part of the ``coursecode``
package that learners install (pyproject.toml's ``packages.find`` includes
``coursecode*`` only). Import it from the repository's root folder: pytest puts that
folder on ``sys.path`` (``pythonpath`` in pyproject.toml), and ``python -m
benchmarks.bench_pages`` run from the root does too.

- ``coursedev.serve``: ``LocalServer``, one throw-away HTTP server on 127.0.0.1 that
  serves a folder, a dict of files, or answers every request with your own function.
- ``coursedev.site``: ``build_book`` (the strict build), Debian Chromium's launch
  settings, ``open_page`` (a page opened with every outside request blocked) and
  ``PageLog``.
- ``coursedev.binder``: ``make_binder_env``, Binder's environment made offline in a fresh
  virtual environment (binder/requirements.txt, then binder/postBuild).
"""
