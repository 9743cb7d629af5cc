// Helpers shared by the explorers' drawings (Python puts this file, after conv_math.js, in
// front of each drawing's code: one ES module per widget).

/** Text with a true minus sign (U+2212) for a hyphen-minus: "−7", as print writes it. */
export const minus = (text) => String(text).replace(/-/g, "−");

/** A number as the explorers print it: two decimals, a true minus sign, and no "−0.00". */
export const fmt = (v) => minus((Math.abs(v) < 0.005 ? 0 : v).toFixed(2));

/** A factor of a product as a formula writes it: a negative one in parentheses, "(−1.00)". */
export const factor = (v) => (fmt(v).startsWith("−") ? `(${fmt(v)})` : fmt(v));

/** A weighted sum as a formula writes it, from [weight, name] pairs: the sign of each weight
 * is the operator before it, "1.00·red + 0.00·green − 1.00·blue" (a first negative weight:
 * "−1.00·red"). `number` writes a weight's size (fmt by default). */
export function weightedSum(terms, number = fmt) {
  return terms.map(([w, name], i) => {
    const size = `${number(Math.abs(w))}·${name}`;
    const negative = number(w).startsWith("−");
    if (i === 0) return negative ? `−${size}` : size;
    return `${negative ? "−" : "+"} ${size}`;
  }).join(" ");
}

/** A count and its noun, singular for 1: "1 pixel", "4 pixels" (`plural` when it is not
 * the noun and an s). */
/** A new `tag` element with `className` and `text`, each when given. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function count(n, noun, plural = `${noun}s`) {
  return `${n} ${n === 1 ? noun : plural}`;
}

// Text on a shaded cell is black or white, whichever contrasts more with the cell, as
// coursecode.plotting's _readable_text_color chooses: WCAG 2.x relative luminance and
// contrast ratio; the worse of the two best choices still reaches about 4.58:1 (AA: 4.5).

/** The relative luminance of [r, g, b] (0–255), from 0 (black) to 1 (white), as WCAG 2.x
 * defines it. */
export function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2.x contrast ratio of two colours [r, g, b], from 1 to 21. */
export function contrastRatio(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** "#000000" or "#ffffff": the text colour that contrasts more with the background [r, g, b]
 * (black when both are equal, as Python's _readable_text_color). */
export function textColourOn(rgb) {
  const black = contrastRatio([0, 0, 0], rgb) >= contrastRatio([255, 255, 255], rgb);
  return black ? "#000000" : "#ffffff";
}

/** Run `fn` once after the current burst of changes (several traits set at once, or set
 * while drawing), never inside another call of it. */
export function batched(fn) {
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
export function canvasFigure(parent, figureClass, canvasClass, caption, label) {
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

/** Call `fn(box)` with the explorer's outer box (class course-explorer) that `el` is drawn in,
 * once it is in the page (ipywidgets may attach the drawing before its box). */
function inExplorer(el, fn) {
  let tries = 0;
  const attach = () => {
    const box = el.closest(".course-explorer");
    if (box) fn(box);
    else if (tries++ < 600) requestAnimationFrame(attach);   // not in the page yet
  };
  attach();
}

/**
 * Give each control of the explorer that `el` is drawn in an accessible name that says what
 * it changes. ipywidgets 8 draws a slider's handle (role slider) and its editable readout with
 * no name, so a screen reader says only "slider, 2"; a text box or a menu is named by its short
 * label ("w01"). A control's name is its tooltip when Python gives one ("kernel weight row 0
 * column 1"), else its label ("stride s"). The explorer's box may draw its controls after this
 * drawing, and redraws a slider when its range changes: it is watched.
 */
export function nameControls(el) {
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
  inExplorer(el, (box) => {
    label(box);
    new MutationObserver(() => label(box)).observe(box, { childList: true, subtree: true });
  });
}

/**
 * Never a silent mismatch between a number box and the drawing. While a number box of the
 * explorer that `el` is drawn in is empty (or holds no number), `note` says so, and which
 * value the drawing still uses; Enter or leaving the box puts that value back. Every
 * <input type=number> of the explorer is watched: ipywidgets' FloatText boxes and the
 * drawings' own.
 */
export function guardNumberBoxes(el, note) {
  const inForce = new WeakMap();   // box → the value the drawing uses
  const isBox = (node) => node?.tagName === "INPUT" && node.type === "number";
  const holdsNumber = (box) => box.value.trim() !== "" && Number.isFinite(Number(box.value));
  const show = (box) => {
    const value = inForce.get(box);
    note.hidden = holdsNumber(box) || value === undefined;
    note.textContent = note.hidden ? ""
      : `The box "${box.getAttribute("aria-label") ?? "number"}" is empty: the drawing still `
        + `uses ${value}. Type a number, or leave the box to put ${value} back.`;
  };
  const settle = (box) => {
    if (holdsNumber(box)) inForce.set(box, box.value);
    else if (inForce.has(box)) box.value = inForce.get(box);
    show(box);
  };
  note.hidden = true;
  inExplorer(el, (box) => {
    box.addEventListener("focusin", ({ target }) => {
      if (isBox(target) && holdsNumber(target)) inForce.set(target, target.value);
    });
    box.addEventListener("input", ({ target }) => { if (isBox(target)) show(target); });
    // After the box's own handler (ipywidgets' or the drawing's) has read the new value.
    box.addEventListener("change", ({ target }) => {
      if (isBox(target)) queueMicrotask(() => settle(target));
    });
    box.addEventListener("focusout", ({ target }) => { if (isBox(target)) settle(target); });
  });
}

/**
 * Point a menu (`trait`, an index into `entries`) at the first entry whose settings `matches`
 * accepts, or else at its last entry, "custom" (whose settings are null): after a hand edit
 * the menu names what the drawing shows, never a preset it no longer shows.
 */
export function describeMenu(model, trait, entries, matches) {
  const found = entries.findIndex((entry) => entry.at(-1) !== null && matches(entry));
  const index = found >= 0 ? found : entries.length - 1;
  if (model.get(trait) !== index) {
    model.set(trait, index);
    model.save_changes();   // only sends to Python when a kernel is connected
  }
}

/** Whether two lists of numbers are equal, number by number. */
export const sameNumbers = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// The course's colour scales, as the book's figures draw them (coursecode.plotting): pixels
// with values in [0, 1] grey on a fixed scale, 0 black and 1 white; a map of values >= 0 grey
// from 0 (black) to its largest value (white); a map with negative values blue (−top), white
// (0) and red (+top), symmetric about 0, as matplotlib's "bwr" colour map.

/** The smallest and largest value of several arrays ([0, 0] when they are empty). */
export function valueRange(...arrays) {
  let low = Infinity;
  let high = -Infinity;
  for (const values of arrays) {
    for (const v of values) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? [low, high] : [0, 0];
}

/** The scale of a map (the output of a kernel, of a layer): "grey" from 0 when no value is
 * negative, else "signed", blue-white-red symmetric about 0. Several maps share one scale. */
export function mapScale(...arrays) {
  const [low, high] = valueRange(...arrays);
  if (low >= 0) return { kind: "grey", low: 0, high: high > 0 ? high : 1 };
  const top = Math.max(-low, high);
  return { kind: "signed", low: -top, high: top };
}

/** The scale of an image: pixels in [0, 1] on the fixed grey scale, 0 black and 1 white;
 * other values as a map. */
export function pixelScale(...arrays) {
  const [low, high] = valueRange(...arrays);
  return low >= 0 && high <= 1 ? { kind: "grey", low: 0, high: 1 } : mapScale(...arrays);
}

/** The colour [r, g, b] (0–255) of `v` on `scale`; values past its ends take the end colour. */
export function colourOf(v, scale) {
  const t = Math.min(1, Math.max(0, (v - scale.low) / (scale.high - scale.low)));
  if (scale.kind !== "signed") {
    const g = Math.round(255 * t);
    return [g, g, g];
  }
  // matplotlib's bwr: blue (0, 0, 1) → white → red (1, 0, 0), each half linear.
  if (t < 0.5) {
    const c = Math.round(510 * t);
    return [c, c, 255];
  }
  const c = Math.round(510 * (1 - t));
  return [255, c, c];
}

/** The CSS colour of `v` on `scale`. */
export const cssColour = (v, scale) => `rgb(${colourOf(v, scale).join(",")})`;

/** Shade `node` (a cell with a number in it) in the colour of `v` on `scale`, its text black
 * or white, whichever contrasts more (textColourOn). */
export function shade(node, v, scale) {
  const rgb = colourOf(v, scale);
  node.style.background = `rgb(${rgb.join(",")})`;
  node.style.color = textColourOn(rgb);
}

/** A number as a legend prints it: three significant digits, a true minus sign. */
export function short(v) {
  return String(Number(v.toPrecision(3))).replace("-", "−");
}

/** The scale in words, for a drawing's text alternative. */
export function scaleWords(scale) {
  if (scale.kind === "signed") {
    return `blue for negative values (${short(scale.low)}), white for 0, red for positive `
      + `(${short(scale.high)})`;
  }
  return `grey from ${short(scale.low)} (black) to ${short(scale.high)} (white)`;
}

/** A legend for `scale`, added to `parent`: a small colour bar with its end values (and 0 in
 * the middle of a signed one). The drawing's text alternative says the same in words; or,
 * given `words` (for a drawing with none, such as a table), the legend says them itself. */
export function legend(parent, scale, words = null) {
  const box = document.createElement("div");
  box.className = "course-legend";
  if (words === null) {
    box.setAttribute("aria-hidden", "true");
  } else {
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", `${words}: ${scaleWords(scale)}`);
  }
  const bar = document.createElement("div");
  bar.className = "course-legend-bar";
  bar.style.background = scale.kind === "signed"
    ? "linear-gradient(to right, rgb(0,0,255), rgb(255,255,255), rgb(255,0,0))"
    : "linear-gradient(to right, rgb(0,0,0), rgb(255,255,255))";
  const labels = document.createElement("div");
  labels.className = "course-legend-labels";
  const ends = scale.kind === "signed" ? [scale.low, 0, scale.high] : [scale.low, scale.high];
  for (const v of ends) {
    const span = document.createElement("span");
    span.textContent = short(v);
    labels.appendChild(span);
  }
  box.append(bar, labels);
  Object.assign(box.dataset, { kind: scale.kind, low: String(scale.low), high: String(scale.high) });
  parent.appendChild(box);
  return box;
}

/** Paint height×width cells on `ctx`, `cell` screen pixels each, from (x0, y0): cell p (row
 * by row) in the colour [r, g, b] `colourAt(p)` gives. One ImageData: much faster than a
 * fillRect per cell. */
export function paintColours(ctx, height, width, cell, colourAt, x0 = 0, y0 = 0) {
  const image = ctx.createImageData(width * cell, height * cell);
  const { data } = image;
  const rowBytes = 4 * width * cell;
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const [r, g, b] = colourAt(i * width + j);
      for (let y = 0; y < cell; y++) {
        let at = (i * cell + y) * rowBytes + 4 * j * cell;
        for (let x = 0; x < cell; x++, at += 4) {
          data[at] = r;
          data[at + 1] = g;
          data[at + 2] = b;
          data[at + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(image, x0, y0);
}

/** Paint `values` (height×width, row-major) on `ctx` in the colours of `scale`, `cell`
 * screen pixels each, from (x0, y0). */
export function paintValues(ctx, values, height, width, scale, cell, x0 = 0, y0 = 0) {
  paintColours(ctx, height, width, cell, (p) => colourOf(values[p], scale), x0, y0);
}

/**
 * Why a drawing cannot be made: the first of `values` (name → value) that is not a whole
 * number within `limits` (name → [low, high, step]: the drawing's `limits` trait, which
 * Python fills from its traits' ranges), as a sentence; or null when every value is in range. Each drawing asks before it computes or
 * loops, so that what the page may send (a stride of 0, NaN, 10**9, a string) is answered
 * with "no output" and never with a loop that does not end.
 */
export function settingsProblem(values, limits) {
  for (const [name, v] of Object.entries(values)) {
    const range = limits?.[name];
    if (!Array.isArray(range)) return `${name} has no range to check it against`;
    const [low, high, step = 1] = range;
    if (!Number.isInteger(v) || v < low || v > high || (v - low) % step !== 0) {
      return `${name} must be a whole number from ${low} to ${high}${step === 1 ? "" : ` in steps of ${step}`}, not ${String(v)}`;
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
export function showProblem(el, problem, className) {
  const note = document.createElement("div");
  note.className = className;
  note.textContent = `no output: ${problem}`;
  el.replaceChildren(note);
}
