// WindowExplorer's drawing (lesson 1): the digit with the 3×3 window, the window's nine
// pixels, the kernel's nine weights, their nine products and their sum, and the feature
// map filling in up to the window. Everything is computed here (windowAt and conv2d from
// conv_math.js, which Python puts in front of this file), so the jslinked controls work on
// the static book page. Windows count from 0, row by row, as the map's cells do. Presets:
// on a change of `preset`, its weights go into w0 … w8; a hand edit points the menu at the
// preset the weights now are, or at "custom".

import { conv2d, windowAt } from "./conv_math.js";
import { batched, canvasFigure, cssColour, describeMenu, fmt, guardNumberBoxes, legend, mapScale, nameControls, numbersProblem, paintValues, pixelScale, sameNumbers, scaleWords, settingsProblem, showProblem } from "./drawing.js";

const IMAGE_SCALE = 8;   // screen pixels per digit pixel
const WEIGHTS = ["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"];

function kernelOf(model) {
  return WEIGHTS.map((name) => model.get(name));
}

function grid(parent, title, values, className) {
  const table = document.createElement("table");
  table.className = `window-grid ${className}`;
  const head = table.createCaption();
  head.textContent = title;
  for (let a = 0; a < 3; a++) {
    const tr = table.insertRow();
    for (let b = 0; b < 3; b++) tr.insertCell().textContent = fmt(values[a * 3 + b]);
  }
  parent.appendChild(table);
  return table;
}

function sign(parent, text) {
  const span = document.createElement("span");
  span.className = "window-sign";
  span.textContent = text;
  parent.appendChild(span);
}

/** Hatch for the map cells not computed yet (not a colour of the map's scale). */
function waiting(ctx) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 4;
  const t = tile.getContext("2d");
  t.fillStyle = "#fff";
  t.fillRect(0, 0, 4, 4);
  t.fillStyle = "#aaa";
  t.fillRect(0, 3, 1, 1);
  t.fillRect(1, 2, 1, 1);
  t.fillRect(2, 1, 1, 1);
  t.fillRect(3, 0, 1, 1);
  return ctx.createPattern(tile, "repeat") ?? "#eee";
}

function draw(model, el) {
  const [h, w] = [model.get("height"), model.get("width")];
  const image = model.get("image");
  const kernel = kernelOf(model);
  const position = model.get("position");   // 0-based, as the map's cells
  const problem = settingsProblem({ height: h, width: w }, model.get("limits"))
    ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
    ?? numbersProblem("the image", image, h * w) ?? numbersProblem("the kernel", kernel, 9)
    ?? settingsProblem({ position }, { position: [0, (h - 2) * (w - 2) - 1] });
  if (problem !== null) {
    showProblem(el, problem, "window-caption");
    return;
  }
  const map = conv2d(image, h, w, kernel, 3, 3);
  const win = windowAt(image, h, w, kernel, 3, position);
  el.replaceChildren();
  if (map === null || win === null) {
    el.textContent = `no window ${position}: the map has ${map ? map.height * map.width : 0}`;
    return;
  }
  const { row, col } = win;
  const caption = document.createElement("div");
  caption.className = "window-caption";
  caption.setAttribute("aria-live", "polite");
  caption.textContent = `window ${position} of ${map.height * map.width}: centred on pixel `
    + `(${row + 1}, ${col + 1}) → map[${row}, ${col}] = ${fmt(win.sum)}`;
  el.appendChild(caption);

  const rowEl = document.createElement("div");
  rowEl.className = "window-row";
  el.appendChild(rowEl);

  // The digit, with the window framed.
  const pixels = pixelScale(image);
  const digit = canvasFigure(rowEl, "window-figure", "window-image", `digit ${h}×${w}`,
    `The ${h}×${w} digit, ${scaleWords(pixels)}; the 3×3 window is centred on pixel `
    + `(${row + 1}, ${col + 1})`);
  digit.width = w * IMAGE_SCALE;
  digit.height = h * IMAGE_SCALE;
  Object.assign(digit.dataset, { height: h, width: w });
  let ctx = digit.getContext("2d");
  paintValues(ctx, image, h, w, pixels, IMAGE_SCALE);
  ctx.strokeStyle = "#ff7f0e";
  ctx.lineWidth = 2;
  ctx.strokeRect(col * IMAGE_SCALE + 1, row * IMAGE_SCALE + 1, 3 * IMAGE_SCALE - 2, 3 * IMAGE_SCALE - 2);

  // The arithmetic: pixels × weights = products, and their sum.
  const sums = document.createElement("div");
  sums.className = "window-arithmetic";
  rowEl.appendChild(sums);
  grid(sums, "pixels", win.patch, "window-pixels");
  sign(sums, "×");
  grid(sums, "weights", kernel, "window-weights");
  sign(sums, "=");
  grid(sums, "products", win.products, "window-products");
  const total = document.createElement("div");
  total.className = "window-sum";
  total.textContent = `sum of the products = ${fmt(win.sum)}`;
  sums.appendChild(total);

  // The map, filled in up to this window (row by row), on the scale of the whole map; the
  // rest waits, hatched.
  const scale = mapScale(map.data);
  const out = canvasFigure(rowEl, "window-figure", "window-map",
    `feature map ${map.height}×${map.width} (hatched: not reached yet)`,
    `The ${map.height}×${map.width} feature map, ${scaleWords(scale)}, filled in up to `
    + `map[${row}, ${col}] = ${fmt(win.sum)}; the cells after it are hatched`);
  out.width = map.width * IMAGE_SCALE;
  out.height = map.height * IMAGE_SCALE;
  out.dataset.height = map.height;
  out.dataset.width = map.width;
  ctx = out.getContext("2d");
  const hatch = waiting(ctx);
  for (let p = 0; p < map.height * map.width; p++) {
    ctx.fillStyle = p <= position ? cssColour(map.data[p], scale) : hatch;
    ctx.fillRect((p % map.width) * IMAGE_SCALE, Math.floor(p / map.width) * IMAGE_SCALE,
      IMAGE_SCALE, IMAGE_SCALE);
  }
  ctx.strokeStyle = "#ff7f0e";
  ctx.strokeRect(col * IMAGE_SCALE + 1, row * IMAGE_SCALE + 1, IMAGE_SCALE - 2, IMAGE_SCALE - 2);
  legend(out.parentNode, scale);
}

function controls(model, el) {
  const box = document.createElement("div");
  box.className = "window-steps";
  const last = () => (model.get("height") - 2) * (model.get("width") - 2) - 1;
  const go = (position) => {
    model.set("position", Math.min(last(), Math.max(0, position)));
    model.save_changes();   // only sends to Python when a kernel is connected
  };
  let timer = null;
  const play = document.createElement("button");
  const setPlaying = (on) => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (on) {
      if (model.get("position") >= last()) go(0);
      timer = setInterval(() => {
        if (model.get("position") >= last()) setPlaying(false);
        else go(model.get("position") + 1);
      }, 80);
    }
    play.textContent = on ? "❚❚ pause" : "▶ play";
    play.setAttribute("aria-label", on ? "pause the window" : "play: slide the window");
  };
  play.type = "button";
  play.addEventListener("click", () => setPlaying(timer === null));
  setPlaying(false);
  // Readers who ask for less motion get the step buttons and the slider, and no play button
  // (a button that does nothing is worse than none); a change of the setting applies at once.
  const calm = window.matchMedia?.("(prefers-reduced-motion: reduce)");
  const motion = () => {
    play.hidden = Boolean(calm?.matches);
    if (play.hidden) setPlaying(false);
  };
  calm?.addEventListener?.("change", motion);
  motion();
  box.appendChild(play);
  // Each name holds the button's visible word ("step"), as speech control needs.
  const steps = [["◀ step", "step back: previous window", -1], ["step ▶", "step on: next window", 1]];
  for (const [text, label, delta] of steps) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", () => go(model.get("position") + delta));
    box.appendChild(button);
  }
  el.appendChild(box);
}

function render({ model, el }) {
  el.classList.add("window-explorer");
  nameControls(el);
  const note = document.createElement("div");
  note.className = "course-box-note";
  note.setAttribute("role", "status");
  el.appendChild(note);
  guardNumberBoxes(el, note);
  controls(model, el);   // built once, so that keyboard focus stays on a button
  const content = document.createElement("div");
  el.appendChild(content);
  const redraw = batched(() => {
    // The menu names the preset the weights are, or "custom" after a hand edit.
    const presets = model.get("presets");
    if (Array.isArray(presets) && presets.length) {
      describeMenu(model, "preset", presets, ([, weights]) => sameNumbers(weights, kernelOf(model)));
    }
    draw(model, content);
  });
  model.on("change:preset", () => {
    const chosen = model.get("presets")[model.get("preset")];
    if (!chosen || chosen[1] === null) return;   // "custom": the weights stay as they are
    chosen[1].forEach((value, i) => model.set(WEIGHTS[i], value));
    model.save_changes();
  });
  for (const name of ["image", "position", ...WEIGHTS]) model.on(`change:${name}`, redraw);
  redraw();
}

export default { render };
