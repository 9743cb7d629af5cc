"""The fixes that the root conftest.py makes to nbval hold (nbval runs every lesson)."""

import gc
import warnings

from nbval.kernel import RunningKernel


def test_nbval_kernel_leaves_no_open_devnull():
    # Unfixed, nbval's kernel start leaks an open os.devnull; the garbage collector then
    # warns, and with filterwarnings = error a whole test session can fail at random.
    kernel = RunningKernel("python3")
    kernel.stop()
    del kernel
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    leaks = [str(w.message) for w in caught
             if issubclass(w.category, ResourceWarning) and "/dev/null" in str(w.message)]
    assert not leaks, leaks
