// The pooling arithmetic behind the course's pool explorer, as a plain ES module with no
// DOM: the widget runs it in the browser (Python puts it in front of the drawing's code),
// and the tests run it in Node and compare it with F.max_pool2d and F.avg_pool2d
// (tests/test_pool_math.py). Square windows, the same stride on both axes, no padding.

export const POOL_MODES = ["max", "average"];  // the modes, in the explorer's order

/**
 * The number of windows along a side of n pixels, as PyTorch counts them with padding 0:
 * ⌊(n − k) / s⌋ + 1, or with ceil_mode ⌈(n − k) / s⌉ + 1 less the last window if it would
 * start past the input (the last window must start inside it). With ceil_mode a window
 * may hang off the edge, by less than the stride. Null when no window fits, and for
 * anything but whole numbers n ≥ 1, k ≥ 1, s ≥ 1 (stride 0 would never end a loop).
 */
export function poolOutSize(n, k, s, ceil = false) {
  if (![n, k, s].every(Number.isInteger) || n < 1 || k < 1 || s < 1) return null;
  let out = Math.floor((n - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n) out -= 1;
  return out >= 1 ? out : null;
}

/** Whether `mode` names a pooling the module computes: "max" or "average". */
function validMode(mode) {
  return POOL_MODES.includes(mode);
}

/**
 * Window (row, col) of a k×k pooling with stride s over `values` (h×w, row-major), clipped
 * to the input: {top, left, rows, cols, count, cells, value, argmax}. top and left: its
 * first pixel; rows × cols = count: the pixels it covers (fewer than k×k when, in
 * ceil_mode, it hangs off the edge); cells: the k×k window row by row, its pixels' values,
 * null where it is off the input; value: the max of the covered pixels, or their mean
 * (sum / count, as F.avg_pool2d divides with padding 0); argmax: the index in `cells` of
 * the first largest pixel (null for average). Null when the window is not on the output.
 */
export function poolWindow(values, h, w, k, s, mode, ceil, row, col) {
  const outH = poolOutSize(h, k, s, ceil);
  const outW = poolOutSize(w, k, s, ceil);
  if (outH === null || outW === null || !validMode(mode) || values.length !== h * w) return null;
  if (![row, col].every(Number.isInteger) || row < 0 || col < 0 || row >= outH || col >= outW) {
    return null;
  }
  const [top, left] = [row * s, col * s];
  const rows = Math.min(k, h - top);
  const cols = Math.min(k, w - left);
  const cells = [];
  let sum = 0;
  let best = -Infinity;
  let argmax = null;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (a >= rows || b >= cols) {
        cells.push(null);
        continue;
      }
      const v = values[(top + a) * w + left + b];
      if (v > best) [best, argmax] = [v, cells.length];
      sum += v;
      cells.push(v);
    }
  }
  const count = rows * cols;
  const value = mode === "max" ? best : sum / count;
  return { top, left, rows, cols, count, cells, value, argmax: mode === "max" ? argmax : null };
}

/**
 * F.max_pool2d (mode "max") or F.avg_pool2d (mode "average") of one channel, `values`
 * (h×w, row-major), with a k×k window, stride s, padding 0 and ceil_mode `ceil`.
 * Returns {data, height, width, counts} (data a Float64Array, row-major; counts: how many
 * pixels each window covers), or null when no window fits or an argument is out of range.
 */
export function pool2d(values, h, w, k, s, mode, ceil = false) {
  const height = poolOutSize(h, k, s, ceil);
  const width = poolOutSize(w, k, s, ceil);
  if (height === null || width === null || !validMode(mode) || values.length !== h * w) {
    return null;
  }
  const data = new Float64Array(height * width);
  const counts = new Uint8Array(height * width);
  for (let i = 0; i < height; i++) {
    const rows = Math.min(k, h - i * s);
    for (let j = 0; j < width; j++) {
      const cols = Math.min(k, w - j * s);
      let sum = 0;
      let best = -Infinity;
      for (let a = 0; a < rows; a++) {
        for (let b = 0; b < cols; b++) {
          const v = values[(i * s + a) * w + j * s + b];
          sum += v;
          if (v > best) best = v;
        }
      }
      data[i * width + j] = mode === "max" ? best : sum / (rows * cols);
      counts[i * width + j] = rows * cols;
    }
  }
  return { data, height, width, counts };
}
