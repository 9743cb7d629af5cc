// The arithmetic of the network explorer (lesson 4), as a plain ES module with no DOM: a small
// trained network's forward pass, and the drawing pad's MNIST-style preprocessing (strokes
// fitted into 20×20, then drawn with a pen of a fixed width, centred by their centre of
// mass). The widget runs it in the browser (Python puts it in front of the drawing code); the
// tests run it in Node against PyTorch (tests/test_network_math.py).

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
 * model's layers in order, as coursecode.explorers.network.NetworkExplorer exports them:
 * {type: "conv", cin, cout, kh, kw, stride: [sy, sx], padding: [py, px], dilation: [dy, dx],
 * weight, bias} (weight and bias: offsets into `params`, bias null when there is none),
 * {type: "relu"}, {type: "flatten"}, {type: "linear", in, out, weight, bias}.
 * Returns {stages, logits, probabilities}: a stage {c, h, w, data, relu} after every layer
 * that is not followed by a ReLU (so a convolution and its ReLU make one stage; `relu` says
 * whether a ReLU made it), the last stage's numbers as the scores, and their softmax. Null
 * when the layers do not fit the input.
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
    if (layer.type !== "flatten" && !(next && next.type === "relu")) {
      stages.push({ ...x, relu: layer.type === "relu" });
    }
  }
  const logits = Array.from(x.data);
  return { stages, logits, probabilities: softmax(logits) };
}

/** The pen's width in the 28×28 input, in input pixels: a normal MNIST stroke. (MNIST's
 * upright 1s, four or five columns wide, hold a median of 2.2 to 2.5 pixels of ink per row.) */
export const PEN_WIDTH = 2.5;

/** The most points a drawing may hold: past it, no input (never a loop that does not end). */
const MAX_POINTS = 20000;

/**
 * The 28×28 picture of `segments` ([x0, y0, x1, y1] in input pixels, moved by (dx, dy)) drawn
 * with a round pen `pen` pixels wide: a pixel whose centre lies at distance d from the
 * nearest segment gets min(1, max(0, pen/2 + 1/2 − d)), so the ink falls from 1 to 0 over one
 * pixel at the pen's edge, and a straight stroke holds `pen` of ink per pixel of its length.
 */
function rasterise(segments, pen, dy, dx) {
  const reach = pen / 2 + 0.5;
  const dist = new Float64Array(784).fill(Infinity);
  for (const [x0, y0, x1, y1] of segments) {
    const [ax, ay, bx, by] = [x0 + dx, y0 + dy, x1 + dx, y1 + dy];
    const [vx, vy] = [bx - ax, by - ay];
    const length2 = vx * vx + vy * vy;
    const i0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
    const i1 = Math.min(27, Math.ceil(Math.max(ay, by) + reach));
    const j0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
    const j1 = Math.min(27, Math.ceil(Math.max(ax, bx) + reach));
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        const [px, py] = [j + 0.5 - ax, i + 0.5 - ay];   // from the segment's start
        const t = length2 > 0 ? Math.min(1, Math.max(0, (px * vx + py * vy) / length2)) : 0;
        const d = Math.hypot(px - t * vx, py - t * vy);
        if (d < dist[i * 28 + j]) dist[i * 28 + j] = d;
      }
    }
  }
  return dist.map((d) => Math.min(1, Math.max(0, reach - d)));
}

/**
 * A drawing made into a 28×28 input the way MNIST's digits were made (fitted into a 20×20
 * box, keeping its proportions, and placed so that its centre of mass falls on the centre of
 * the 28×28 frame), with the pen's width fixed in the result: the strokes are kept as paths,
 * fitted, and only then drawn, with a pen `pen` input pixels wide. So a small drawing and a
 * large one of the same strokes give the same input, with a normal MNIST stroke, where
 * resizing the drawn picture would scale the pen with it (a small 1 would become a fat bar).
 *
 * `strokes`: a list of strokes, each a list of [x, y] points (pad pixels; one point is a dot).
 * The centre lines' bounding box is scaled so that the ink (the box widened by the pen's
 * reach, pen/2 + 1/2 on each side, its grey edge included) fits 20×20, and its middle falls on
 * (14, 14); the strokes are drawn; then they are moved so that
 * the centre of mass of the ink (pixel (i, j) at (i + 1/2, j + 1/2)) falls on (14, 14), and
 * drawn again there. Returns {input (784 numbers in [0, 1], row-major), box: [top, left,
 * height, width] (the centre lines' box, pad pixels), scale (input pixels per pad pixel),
 * shift: [dy, dx] (the move, input pixels)}, or null when there is no point (or the strokes
 * are not lists of finite [x, y] pairs, or hold more than 20,000 points).
 */
export function strokesInput(strokes, pen = PEN_WIDTH) {
  if (!Array.isArray(strokes) || !(pen > 0 && pen < 19)) return null;
  let [top, bottom, left, right] = [Infinity, -Infinity, Infinity, -Infinity];
  let count = 0;
  for (const stroke of strokes) {
    if (!Array.isArray(stroke)) return null;
    for (const point of stroke) {
      if (!Array.isArray(point) || point.length !== 2 || !point.every(Number.isFinite)) return null;
      if (++count > MAX_POINTS) return null;
      const [x, y] = point;
      [top, bottom] = [Math.min(top, y), Math.max(bottom, y)];
      [left, right] = [Math.min(left, x), Math.max(right, x)];
    }
  }
  if (count === 0) return null;
  const side = Math.max(bottom - top, right - left);
  const scale = side > 0 ? (19 - pen) / side : 1;
  const [cy, cx] = [(top + bottom) / 2, (left + right) / 2];
  const segments = [];
  for (const stroke of strokes) {
    const points = stroke.map(([x, y]) => [(x - cx) * scale + 14, (y - cy) * scale + 14]);
    if (points.length === 1) segments.push([...points[0], ...points[0]]);
    for (let k = 1; k < points.length; k++) segments.push([...points[k - 1], ...points[k]]);
  }
  const first = rasterise(segments, pen, 0, 0);
  let [mass, my, mx] = [0, 0, 0];
  first.forEach((v, p) => {
    mass += v;
    my += (Math.floor(p / 28) + 0.5) * v;
    mx += ((p % 28) + 0.5) * v;
  });
  const shift = [14 - my / mass, 14 - mx / mass];
  const input = rasterise(segments, pen, ...shift);
  return { input, box: [top, left, bottom - top, right - left], scale, shift };
}
