"""Time the three ways to convolve that the course teaches, against F.conv2d.

    python -m benchmarks.bench_conv [--repeat 20] [--threads 1]

Prints, for (a) one 28×28 digit with one 3×3 kernel and (b) a batch
(64, 3, 64, 64) with 32 3×3 filters and padding 1, the best time of
``conv2d_loop`` (Python loops; only case a, one image at a time),
``conv2d_im2col`` (our im2col + one matrix product) and ``F.conv2d``, and each
one's ratio to ``F.conv2d`` (1.0 = as fast; the goal for im2col on (b) is
<= 1.5). "Best" is the fastest of the timed runs (see coursecode.timing): the
figure that load on the machine changes least. Figures depend on the machine;
the goal is read off this table, not asserted in a test.
"""

import argparse
import platform

import torch
import torch.nn.functional as F

from coursecode import conv2d_im2col
from coursecode import conv2d_loop
from coursecode import load_mnist
from coursecode import top_edge
from coursecode.timing import compare_times


def row(case: str, name: str, seconds: float, reference: float) -> str:
    return f"{case:<36} {name:<15} {seconds * 1e3:>10.3f} ms {seconds / reference:>9.2f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description="conv2d_loop vs conv2d_im2col vs F.conv2d")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per entry (best shown)")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="PyTorch CPU threads while timing (default: PyTorch's own choice)",
    )
    args = parser.parse_args()
    torch.manual_seed(0)

    digit = load_mnist()[0][0].view(28, 28)
    x1, w1 = digit[None, None], top_edge[None, None]
    xb = torch.randn(64, 3, 64, 64)
    wb = torch.randn(32, 3, 3, 3)
    bb = torch.randn(32)

    # The three agree before we time them.
    assert torch.allclose(conv2d_loop(digit, top_edge), F.conv2d(x1, w1)[0, 0], atol=1e-5)
    assert torch.allclose(
        conv2d_im2col(xb, wb, bb, padding=1), F.conv2d(xb, wb, bb, padding=1), atol=1e-4
    )

    threads = args.threads or torch.get_num_threads()
    print(
        f"torch {torch.__version__}, {threads} threads, "
        f"{platform.processor() or platform.machine()}"
    )
    print(f"{'case':<36} {'method':<15} {'best':>13} {'vs F.conv2d':>10}")
    case = "(a) 1×1×28×28, one 3×3 kernel"
    loop = compare_times(
        {"conv2d_loop": lambda: conv2d_loop(digit, top_edge)},
        max(3, args.repeat // 4),
        threads=args.threads,
    )
    fast = compare_times(
        {"conv2d_im2col": lambda: conv2d_im2col(x1, w1), "F.conv2d": lambda: F.conv2d(x1, w1)},
        args.repeat,
        threads=args.threads,
    )
    for name, seconds in {**loop, **fast}.items():
        print(row(case, name, seconds, fast["F.conv2d"]))
    case = "(b) 64×3×64×64, 32 3×3 filters, p=1"
    batch = compare_times(
        {
            "conv2d_im2col": lambda: conv2d_im2col(xb, wb, bb, padding=1),
            "F.conv2d": lambda: F.conv2d(xb, wb, bb, padding=1),
        },
        args.repeat,
        threads=args.threads,
    )
    for name, seconds in batch.items():
        print(row(case, name, seconds, batch["F.conv2d"]))
    im2col_time, ref = batch["conv2d_im2col"], batch["F.conv2d"]
    verdict = "met" if im2col_time / ref <= 1.5 else "NOT met"
    print(
        f"goal: conv2d_im2col within 1.5× of F.conv2d on (b): {verdict} ({im2col_time / ref:.2f}×)"
    )


if __name__ == "__main__":
    main()
