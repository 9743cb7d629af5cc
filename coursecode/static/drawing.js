// Helpers shared by the explorers' drawings (Python puts this file, after conv_math.js, in
// front of each drawing's code: one ES module per widget).

/** A number as the explorers print it: two decimals, and no "-0.00". */
const fmt = (v) => (Math.abs(v) < 0.005 ? 0 : v).toFixed(2);

/** Run `fn` once after the current burst of changes (several traits set at once, or set
 * while drawing), never inside another call of it. */
function batched(fn) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      fn();
    });
  };
}

