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

/**
 * Give each control of the explorer that `el` is drawn in an accessible name that says what
 * it changes. ipywidgets 8 draws a slider's handle (role slider) and its editable readout with
 * no name, so a screen reader says only "slider, 2"; a text box or a menu is named by its short
 * label ("w12"). A control's name is its tooltip when Python gives one ("kernel weight row 1
 * column 2"), else its label ("stride s"). The explorer's box (class course-explorer) may draw
 * its controls after this drawing, and redraws a slider when its range changes: it is watched.
 */
function nameControls(el) {
  const name = (widget) => {
    const label = widget.querySelector(":scope > .widget-label");
    const tip = label?.getAttribute("title");
    return (tip && tip !== "null" ? tip : label?.textContent ?? "").trim();
  };
  const set = (node, attribute, value) => {
    if (node && value && node.getAttribute(attribute) !== value) node.setAttribute(attribute, value);
  };
  const label = (box) => {
    for (const widget of box.querySelectorAll(".widget-slider")) {
      set(widget.querySelector("[role=slider]"), "aria-label", name(widget));
      const readout = widget.querySelector(".widget-readout");   // a contenteditable box
      set(readout, "role", "textbox");
      set(readout, "aria-label", name(widget) && `${name(widget)}: type a value`);
    }
    for (const widget of box.querySelectorAll(".widget-text, .widget-dropdown")) {
      set(widget.querySelector("input, select"), "aria-label", name(widget));
    }
    for (const widget of box.querySelectorAll(".widget-toggle-buttons")) {
      const group = widget.querySelector(".widget-toggle-buttons > div:not(.widget-label)") ?? widget;
      set(group, "role", "group");
      set(group, "aria-label", name(widget));
    }
  };
  let tries = 0;
  const attach = () => {
    const box = el.closest(".course-explorer");
    if (box) {
      label(box);
      new MutationObserver(() => label(box)).observe(box, { childList: true, subtree: true });
    } else if (tries++ < 600) {
      requestAnimationFrame(attach);   // not in the page yet
    }
  };
  attach();
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
