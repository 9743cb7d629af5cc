"""Settings for the whole test run, lessons included."""

import nbval.kernel


def _execute_like_jupyter(self, cell_input, allow_stdin=None):
    # nbval 0.10+ runs cells with store_history=False, and then IPython ignores a trailing
    # `;` (ipython#14162, nbval#194): `show_image(im);` would print `<Axes: >` under test
    # but not in Jupyter. Run cells the way Jupyter does.
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


nbval.kernel.RunningKernel.execute_cell_input = _execute_like_jupyter
