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


/**
 * A <figure> (class `figureClass`) holding a canvas (class `canvasClass`, role img, with
 * `label` as its text alternative) and a caption, added to `parent`. Returns the canvas.
 */
function canvasFigure(parent, figureClass, canvasClass, caption, label) {
  const box = document.createElement("figure");
  box.className = figureClass;
  const canvas = document.createElement("canvas");
  canvas.className = canvasClass;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const text = document.createElement("figcaption");
  text.textContent = caption;
  box.append(canvas, text);
  parent.appendChild(box);
  return canvas;
}

/** Paint grey levels (height×width, row-major) on `ctx`, `scale` screen pixels each, from (x0, y0). */
function paintGreys(ctx, levels, height, width, scale, x0 = 0, y0 = 0) {
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const g = levels[i * width + j];
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(x0 + j * scale, y0 + i * scale, scale, scale);
    }
  }
}

/**
 * Why a drawing cannot be made: the first of `values` (name → value) that is not a whole
 * number within `limits` (name → [low, high], the ranges of the explorer's controls), as a
 * sentence; or null when every value is in range. Each drawing asks before it computes or
 * loops, so that what the page may send (a stride of 0, NaN, 10**9, a string) is answered
 * with "no output" and never with a loop that does not end.
 */
export function settingsProblem(values, limits) {
  for (const [name, [low, high]] of Object.entries(limits)) {
    const v = values[name];
    if (!Number.isInteger(v) || v < low || v > high) {
      return `${name} must be a whole number from ${low} to ${high}, not ${String(v)}`;
    }
  }
  return null;
}

/**
 * Why `values` (e.g. an image) cannot be drawn as `expected` finite numbers: a sentence, or
 * null when it can.
 */
export function numbersProblem(name, values, expected) {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) return `${name} is not a list of numbers`;
  if (values.length !== expected) {
    return `${name} holds ${values.length} numbers where ${expected} are needed`;
  }
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v)) return `${name} holds ${String(v)}`;
  }
  return null;
}

/** Show `problem` in `el` (its only content) as "no output: …", in the class `className`. */
function showProblem(el, problem, className) {
  const note = document.createElement("div");
  note.className = className;
  note.textContent = `no output: ${problem}`;
  el.replaceChildren(note);
}
