// The receptive-field arithmetic behind the course's field explorer, as a plain ES module
// with no DOM: the widget runs it in the browser, and the tests run it in Node and compare
// it with PyTorch's gradients and coursecode.receptive_field (tests/test_field_math.py).
// A stack of layers is an array of {k, s, p, d}: kernel, stride, padding and dilation,
// the same for both axes.

/** The largest side, kernel, stride, padding or dilation answered (no explorer's image is
 * larger than 64×64 = 4096 pixels): past it, null, never an array of that many units. */
const MAX_SIDE = 4096;

/** Whether `layers` is an array of {k, s, p, d}, each a whole number in range. */
function validLayers(layers) {
  return Array.isArray(layers) && layers.every((layer) => layer !== null
    && typeof layer === "object"
    && [layer.k, layer.s, layer.p, layer.d].every((v) => Number.isInteger(v) && v <= MAX_SIDE)
    && layer.k >= 1 && layer.s >= 1 && layer.p >= 0 && layer.d >= 1);
}

/**
 * The side after every layer for an input side n: [n, n1, …, nL], where each layer gives
 * ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1. From the first layer whose dilated kernel does not fit
 * its padded input on, the sides are null. Null (not an array) for bad layers or n.
 */
export function layerSizes(layers, n) {
  if (!validLayers(layers) || !Number.isInteger(n) || n < 1 || n > MAX_SIDE) return null;
  const sizes = [n];
  let side = n;
  for (const { k, s, p, d } of layers) {
    const span = d * (k - 1) + 1;
    side = side === null || span > side + 2 * p ? null : Math.floor((side + 2 * p - span) / s) + 1;
    sizes.push(side);
  }
  return sizes;
}

/**
 * The recurrence of lesson 6, one row {size, jump, start} per layer, in input pixels: from
 * r = 1, j = 1, start = 0, with span = d(k−1) + 1,
 *   start ← start + ((span − 1)/2 − p)·j,   r ← r + (span − 1)·j,   j ← j·s
 * (start and r use the jump before the layer), as coursecode.receptive_field computes it.
 * Null for bad layers.
 */
export function fieldTable(layers) {
  if (!validLayers(layers)) return null;
  let size = 1;
  let jump = 1;
  let start = 0;
  return layers.map(({ k, s, p, d }) => {
    const span = d * (k - 1) + 1;
    start += ((span - 1) / 2 - p) * jump;
    size += (span - 1) * jump;
    jump *= s;
    return { size, jump, start };
  });
}

/**
 * The units that feed unit `index` (0-based) of layer `layer` (1…L) along one axis, for an
 * input side n. Returns {levels, extent}, or null when a layer does not fit, layer or index
 * is out of range, or an argument is not a whole number.
 *  - levels[l] (l = 0…layer): the sorted indices of the units at level l (0: input pixels;
 *    `layer`: [index]) the unit depends on. Walking back, unit i of level l reads units
 *    i·s − p + t·d (t = 0…k−1) of level l − 1; those outside 0…size − 1 are padding zeros,
 *    which depend on nothing. With dilation > 1 the sets have gaps.
 *  - extent: [low, high], the same walk without clipping, in input pixels: the unit's
 *    theoretical field, part of which may lie in the padding (below 0 or past n − 1).
 *    high − low + 1 is fieldTable's size, and (low + high)/2 is start + index·jump.
 */
export function feeders(layers, n, layer, index) {
  const sizes = layerSizes(layers, n);
  if (sizes === null || !Number.isInteger(layer) || layer < 1 || layer > layers.length) return null;
  if (sizes[layer] === null || !Number.isInteger(index) || index < 0 || index >= sizes[layer]) {
    return null;
  }
  const levels = new Array(layer + 1);
  levels[layer] = [index];
  let low = index;
  let high = index;
  for (let l = layer; l >= 1; l--) {
    const { k, s, p, d } = layers[l - 1];
    const below = new Uint8Array(sizes[l - 1]);         // one flag per unit of level l − 1
    for (const i of levels[l]) {
      for (let t = 0; t < k; t++) {
        const x = i * s - p + t * d;
        if (x >= 0 && x < below.length) below[x] = 1;
      }
    }
    levels[l - 1] = [];
    below.forEach((flag, x) => { if (flag) levels[l - 1].push(x); });
    low = low * s - p;
    high = high * s - p + (k - 1) * d;
  }
  return { levels, extent: [low, high] };
}
