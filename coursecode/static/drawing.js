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
