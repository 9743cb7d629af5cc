// The arithmetic of the network explorer (lesson 4), as a plain ES module with no DOM: a small
// trained network's forward pass, and the drawing pad's MNIST-style preprocessing. The widget
// runs it in the browser (Python puts it in front of the drawing code); the tests run it in
// Node against PyTorch (tests/test_network_math.py).

/** Bytes from base64 text (as Python's base64.b64encode writes them). */
export function decodeBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Float32 numbers from base64 text of their little-endian bytes (NumPy's '<f4'). */
export function decodeFloats(text) {
  const bytes = decodeBytes(text);
  if (bytes.length % 4) return null;
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
  return values;
}

function conv(layer, params, x, c, h, w) {
  const { cout, kh, kw, stride: [sy, sx], padding: [py, px], dilation: [dy, dx] } = layer;
  const oh = Math.floor((h + 2 * py - dy * (kh - 1) - 1) / sy) + 1;
  const ow = Math.floor((w + 2 * px - dx * (kw - 1) - 1) / sx) + 1;
  if (!(oh >= 1 && ow >= 1) || c !== layer.cin) return null;
  const out = new Float64Array(cout * oh * ow);
  for (let o = 0; o < cout; o++) {
    const bias = layer.bias === null ? 0 : params[layer.bias + o];
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = bias;
        for (let ch = 0; ch < c; ch++) {
          const wBase = layer.weight + ((o * c + ch) * kh) * kw;
          for (let a = 0; a < kh; a++) {
            const y = i * sy + a * dy - py;
            if (y < 0 || y >= h) continue;           // a row of padding: zeros
            const row = (ch * h + y) * w;
            for (let b = 0; b < kw; b++) {
              const xx = j * sx + b * dx - px;
              if (xx < 0 || xx >= w) continue;
              sum += x[row + xx] * params[wBase + a * kw + b];
            }
          }
        }
        out[(o * oh + i) * ow + j] = sum;
      }
    }
  }
  return { data: out, c: cout, h: oh, w: ow };
}

function linear(layer, params, x) {
  if (x.length !== layer.in) return null;
  const out = new Float64Array(layer.out);
  for (let o = 0; o < layer.out; o++) {
    let sum = layer.bias === null ? 0 : params[layer.bias + o];
    const base = layer.weight + o * layer.in;
    for (let i = 0; i < layer.in; i++) sum += params[base + i] * x[i];
    out[o] = sum;
  }
  return { data: out, c: layer.out, h: 1, w: 1 };
}

/** Probabilities from scores: exp(z − max) / Σ exp(z − max), as F.softmax computes them. */
export function softmax(logits) {
  let top = -Infinity;
  for (const z of logits) top = Math.max(top, z);
  const exps = Array.from(logits, (z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/**
 * The network's forward pass on one input (c×h×w numbers, row-major). `layers` lists the
 * model's layers in order, as coursecode.widgets.NetworkExplorer exports them:
 * {type: "conv", cin, cout, kh, kw, stride: [sy, sx], padding: [py, px], dilation: [dy, dx],
 * weight, bias} (weight and bias: offsets into `params`, bias null when there is none),
 * {type: "relu"}, {type: "flatten"}, {type: "linear", in, out, weight, bias}.
 * Returns {stages, logits, probabilities}: a stage {c, h, w, data} after every layer that
 * is not followed by a ReLU (so a convolution and its ReLU make one stage), the last
 * stage's numbers as the scores, and their softmax. Null when the layers do not fit the input.
 */
export function forward(layers, params, input, c, h, w) {
  let x = { data: Float64Array.from(input), c, h, w };
  if (x.data.length !== c * h * w) return null;
  const stages = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer.type === "conv") x = conv(layer, params, x.data, x.c, x.h, x.w);
    else if (layer.type === "linear") x = linear(layer, params, x.data);
    else if (layer.type === "relu") x = { ...x, data: x.data.map((v) => (v > 0 ? v : 0)) };
    else if (layer.type === "flatten") x = { data: x.data, c: x.data.length, h: 1, w: 1 };
    else return null;
    if (x === null) return null;
    const next = layers[i + 1];
    if (layer.type !== "flatten" && !(next && next.type === "relu")) stages.push(x);
  }
  const logits = Array.from(x.data);
  return { stages, logits, probabilities: softmax(logits) };
}

/** Length of the overlap of [a0, a1) and [b0, b1). */
function overlap(a0, a1, b0, b1) {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Resize an h×w image to oh×ow by area: each output pixel is the mean of the input over the
 * rectangle it covers (input pixel y spans [y, y+1); output row i spans [i·h/oh, (i+1)·h/oh)).
 */
export function resizeArea(image, h, w, oh, ow) {
  const fy = h / oh;
  const fx = w / ow;
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    const y0 = i * fy;
    const y1 = (i + 1) * fy;
    for (let j = 0; j < ow; j++) {
      const x0 = j * fx;
      const x1 = (j + 1) * fx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(h, Math.ceil(y1)); y++) {
        const wy = overlap(y, y + 1, y0, y1);
        for (let x = Math.floor(x0); x < Math.min(w, Math.ceil(x1)); x++) {
          sum += image[y * w + x] * wy * overlap(x, x + 1, x0, x1);
        }
      }
      out[i * ow + j] = sum / (fy * fx);
    }
  }
  return out;
}

/**
 * A drawing made into a 28×28 input the way MNIST's digits were made: the ink's bounding
 * box is resized (by area, keeping its proportions) to fit a 20×20 box, and placed in a
 * 28×28 frame so that its centre of mass falls on the frame's centre (14, 14), to the
 * nearest whole pixel. `ink` holds h×w values in [0, 1] (0: no ink), row-major.
 * Returns {input, box: [top, left, height, width], resized: [oh, ow], shift: [dy, dx]}
 * (input: 784 numbers in [0, 1]), or null when there is no ink.
 */
export function mnistInput(ink, h, w) {
  let [top, bottom, left, right] = [h, -1, w, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const bh = bottom - top + 1;
  const bw = right - left + 1;
  const side = Math.max(bh, bw);
  const oh = Math.max(1, Math.round((20 * bh) / side));
  const ow = Math.max(1, Math.round((20 * bw) / side));
  const crop = new Float64Array(bh * bw);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) crop[y * bw + x] = ink[(top + y) * w + left + x];
  }
  const small = resizeArea(crop, bh, bw, oh, ow);
  let [mass, my, mx] = [0, 0, 0];
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const v = small[i * ow + j];
      mass += v;
      my += (i + 0.5) * v;
      mx += (j + 0.5) * v;
    }
  }
  const dy = Math.round(14 - my / mass);
  const dx = Math.round(14 - mx / mass);
  const input = new Float64Array(784);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const [y, x] = [i + dy, j + dx];
      if (y >= 0 && y < 28 && x >= 0 && x < 28) input[y * 28 + x] = Math.min(1, small[i * ow + j]);
    }
  }
  return { input, box: [top, left, bh, bw], resized: [oh, ow], shift: [dy, dx] };
}
