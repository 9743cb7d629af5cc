"""Settings for the whole test run, lessons included: two fixes to nbval's kernel handling,
written for the nbval that book/PATCHES.md names (a newer one stops the run here)."""

import os

import nbval.kernel
from patches import require  # book/_ext, on pytest's pythonpath (pyproject.toml)

require("nbval", "conftest.py")


def _execute_like_jupyter(self, cell_input, allow_stdin=None):
    # nbval 0.10+ runs cells with store_history=False, and then IPython ignores a trailing
    # `;` (ipython#14162, nbval#194): `show_image(im);` would print `<Axes: >` under test
    # but not in Jupyter. Run cells the way Jupyter does.
    return self.kc.execute(
        cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
    )


def _start_kernel_closing_devnull(self, kernel_name, cwd=None, startup_timeout=60):
    # nbval opens os.devnull for each notebook's kernel stderr and never closes it. When the
    # garbage collector finds the open file, Python warns (ResourceWarning), and with
    # filterwarnings = error the session can end in PytestUnraisableExceptionWarning, at
    # random. The kernel process holds its own copy of the descriptor once started, so ours
    # can be closed right away.
    with open(os.devnull, "w") as devnull:
        self.km, self.kc = nbval.kernel.start_new_kernel(
            startup_timeout=startup_timeout,
            kernel_name=kernel_name,
            stderr=devnull,
            cwd=cwd,
        )
    self._ensure_iopub_up()


nbval.kernel.RunningKernel.execute_cell_input = _execute_like_jupyter
nbval.kernel.RunningKernel.__init__ = _start_kernel_closing_devnull
