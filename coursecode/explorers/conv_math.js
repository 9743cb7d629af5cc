// The arithmetic behind the course's explorers, as a plain ES module with no DOM: the
// widgets run it in the browser (Python puts it in front of each widget's drawing code),
// and the tests run it in Node and compare it with PyTorch (tests/test_conv_math.py).

/** The most numbers a function here computes or returns (a 4096×4096 map): beyond it, null. */
export const MAX_NUMBERS = 2 ** 24;

/** ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1, or null when the kernel does not fit the padded input. */
export function outputSize(n, k, p, s, d) {
  // Anything but whole numbers in range (0, NaN, Infinity, past 2**53 where arithmetic is
  // no longer exact) has no output: never loop on it.
  if (![n, k, p, s, d].every(Number.isSafeInteger) || n < 1 || k < 1 || p < 0 || s < 1 || d < 1) {
    return null;
  }
  if (n + 2 * p > Number.MAX_SAFE_INTEGER || d * (k - 1) + 1 > Number.MAX_SAFE_INTEGER) return null;
  const span = d * (k - 1) + 1;
  if (span > n + 2 * p) return null;
  return Math.floor((n + 2 * p - span) / s) + 1;
}

/**
 * F.conv2d for one channel: slide `kernel` (kh×kw, row-major) over `image` (h×w, row-major)
 * padded with zeros, with a stride, padding and dilation (the same for both axes).
 * Returns {data, height, width} (data a Float64Array, row-major), or null when the
 * kernel does not fit the padded image.
 */
export function conv2d(image, h, w, kernel, kh, kw, stride = 1, padding = 0, dilation = 1) {
  const height = outputSize(h, kh, padding, stride, dilation);
  const width = outputSize(w, kw, padding, stride, dilation);
  if (height === null || width === null) return null;
  // Sizes that the arrays do not have, or work past MAX_NUMBERS: no answer, not a hang.
  if (image.length !== h * w || kernel.length !== kh * kw) return null;
  if (height * width > MAX_NUMBERS || height * width * kh * kw > 64 * MAX_NUMBERS) return null;
  const data = new Float64Array(height * width);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let a = 0; a < kh; a++) {
        const y = i * stride + a * dilation - padding;
        if (y < 0 || y >= h) continue;              // a row of padding: zeros
        for (let b = 0; b < kw; b++) {
          const x = j * stride + b * dilation - padding;
          if (x < 0 || x >= w) continue;
          sum += image[y * w + x] * kernel[a * kw + b];
        }
      }
      data[i * width + j] = sum;
    }
  }
  return { data, height, width };
}

/**
 * One window of a stride-1, unpadded convolution, as lesson 1 computes it by hand: the
 * window at `position` (0-based, row by row over the (h−k+1)×(w−k+1) map) of a k×k kernel.
 * Returns {row, col, patch, products, sum} (row and col: the map cell, i.e. the window's
 * top-left pixel), or null when the position is not on the map.
 */
export function windowAt(image, h, w, kernel, k, position) {
  const outW = outputSize(w, k, 0, 1, 1);
  const outH = outputSize(h, k, 0, 1, 1);
  if (outW === null || outH === null || !Number.isInteger(position)) return null;
  if (image.length !== h * w || kernel.length !== k * k) return null;
  if (position < 0 || position >= outH * outW) return null;
  const row = Math.floor(position / outW);
  const col = position % outW;
  const patch = [];
  const products = [];
  let sum = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const pixel = image[(row + a) * w + col + b];
      patch.push(pixel);
      products.push(pixel * kernel[a * k + b]);
      sum += pixel * kernel[a * k + b];
    }
  }
  return { row, col, patch, products, sum };
}

/**
 * F.unfold (im2col) for one image of `c` channels (c×h×w, row-major): every k×k window
 * (with stride and zero padding) becomes a column of c·k·k numbers. Returns {rows, cols,
 * data, outH, outW} (data row-major rows×cols; column j is the window with top-left corner
 * (⌊j / outW⌋·stride, (j mod outW)·stride) of the padded image), or null when the kernel
 * does not fit.
 */
export function unfold(image, c, h, w, k, stride = 1, padding = 0) {
  const outH = outputSize(h, k, padding, stride, 1);
  const outW = outputSize(w, k, padding, stride, 1);
  if (outH === null || outW === null || !Number.isInteger(c) || c < 1) return null;
  if (image.length !== c * h * w) return null;
  const rows = c * k * k;
  const cols = outH * outW;
  if (rows * cols > MAX_NUMBERS) return null;
  const data = new Float64Array(rows * cols);
  for (let ch = 0; ch < c; ch++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const r = (ch * k + a) * k + b;
        for (let j = 0; j < cols; j++) {
          const y = Math.floor(j / outW) * stride + a - padding;
          const x = (j % outW) * stride + b - padding;
          const inside = y >= 0 && y < h && x >= 0 && x < w;
          data[r * cols + j] = inside ? image[(ch * h + y) * w + x] : 0;
        }
      }
    }
  }
  return { rows, cols, data, outH, outW };
}

/**
 * F.conv2d of a c-channel image (c×h×w, row-major) with one kernel of c slices (c×kh×kw):
 * each channel is convolved with its own slice, and the output channel is their sum.
 * Returns {channels, data, height, width} (channels: the c single-channel maps; data:
 * their sum), or null when the kernel does not fit.
 */
export function conv2dChannels(image, c, h, w, kernel, kh, kw, stride = 1, padding = 0, dilation = 1) {
  if (!Number.isInteger(c) || c < 1 || c > 64) return null;
  if (image.length !== c * h * w || kernel.length !== c * kh * kw) return null;
  const channels = [];
  for (let ch = 0; ch < c; ch++) {
    const map = conv2d(image.slice(ch * h * w, (ch + 1) * h * w), h, w,
      kernel.slice(ch * kh * kw, (ch + 1) * kh * kw), kh, kw, stride, padding, dilation);
    if (map === null) return null;
    channels.push(map.data);
  }
  const data = channels[0].map((_, i) => channels.reduce((sum, map) => sum + map[i], 0));
  const { height, width } = conv2d(image.slice(0, h * w), h, w, kernel.slice(0, kh * kw), kh, kw,
    stride, padding, dilation);
  return { channels, data, height, width };
}
