// WindowExplorer's drawing (lesson 1): the digit with the 3×3 window, the window's nine
// pixels, the kernel's nine weights, their nine products and their sum, and the feature
// map filling in up to the window. Everything is computed here (windowAt and conv2d from
// conv_math.js, which Python puts in front of this file), so the jslinked controls work on
// the static book page. Presets: on a change of `preset`, its weights go into w0 … w8.

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

function draw(model, el) {
  const [h, w] = [model.get("height"), model.get("width")];
  const image = model.get("image");
  const kernel = kernelOf(model);
  const position = model.get("position") - 1;           // the slider counts from 1
  const problem = settingsProblem({ height: h, width: w }, { height: [3, 4096], width: [3, 4096] })
    ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
    ?? numbersProblem("the image", image, h * w) ?? numbersProblem("the kernel", kernel, 9)
    ?? settingsProblem({ position: model.get("position") }, { position: [1, (h - 2) * (w - 2)] });
  if (problem !== null) {
    showProblem(el, problem, "window-caption");
    return;
  }
  const map = conv2d(image, h, w, kernel, 3, 3);
  const win = windowAt(image, h, w, kernel, 3, position);
  el.replaceChildren();
  if (map === null || win === null) {
    el.textContent = `no window ${position + 1}: the map has ${map ? map.height * map.width : 0}`;
    return;
  }
  const { row, col } = win;
  const caption = document.createElement("div");
  caption.className = "window-caption";
  caption.setAttribute("aria-live", "polite");
  caption.textContent = `window ${position + 1} of ${map.height * map.width}: centred on `
    + `row ${row + 1}, column ${col + 1} → map[${row}, ${col}] = ${fmt(win.sum)}`;
  el.appendChild(caption);

  const rowEl = document.createElement("div");
  rowEl.className = "window-row";
  el.appendChild(rowEl);

  // The digit, with the window framed.
  const digit = canvasFigure(rowEl, "window-figure", "window-image", `digit ${h}×${w}`,
    `The ${h}×${w} digit; the 3×3 window is centred on row ${row + 1}, column ${col + 1}`);
  digit.width = w * IMAGE_SCALE;
  digit.height = h * IMAGE_SCALE;
  let ctx = digit.getContext("2d");
  paintGreys(ctx, greys(image), h, w, IMAGE_SCALE);
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

  // The map, filled in up to this window (row by row); the rest waits, pale blue.
  const out = canvasFigure(rowEl, "window-figure", "window-map",
    `feature map ${map.height}×${map.width}`, `The ${map.height}×${map.width} feature map, `
    + `filled in up to map[${row}, ${col}] = ${fmt(win.sum)}`);
  out.width = map.width * IMAGE_SCALE;
  out.height = map.height * IMAGE_SCALE;
  out.dataset.height = map.height;
  out.dataset.width = map.width;
  ctx = out.getContext("2d");
  const mapLevels = greys(map.data);
  for (let p = 0; p < map.height * map.width; p++) {
    const g = mapLevels[p];
    ctx.fillStyle = p <= position ? `rgb(${g},${g},${g})` : "#dbe9f6";
    ctx.fillRect((p % map.width) * IMAGE_SCALE, Math.floor(p / map.width) * IMAGE_SCALE,
      IMAGE_SCALE, IMAGE_SCALE);
  }
  ctx.strokeStyle = "#ff7f0e";
  ctx.strokeRect(col * IMAGE_SCALE + 1, row * IMAGE_SCALE + 1, IMAGE_SCALE - 2, IMAGE_SCALE - 2);
}

function controls(model, el) {
  const box = document.createElement("div");
  box.className = "window-steps";
  const last = () => (model.get("height") - 2) * (model.get("width") - 2);
  const go = (position) => {
    model.set("position", Math.min(last(), Math.max(1, position)));
    model.save_changes();   // only sends to Python when a kernel is connected
  };
  let timer = null;
  const play = document.createElement("button");
  const setPlaying = (on) => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (on) {
      if (model.get("position") >= last()) go(1);
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
  controls(model, el);   // built once, so that keyboard focus stays on a button
  const content = document.createElement("div");
  el.appendChild(content);
  const redraw = batched(() => draw(model, content));
  model.on("change:preset", () => {
    const presets = model.get("presets");
    const chosen = presets[model.get("preset")];
    if (!chosen) return;
    chosen[1].forEach((value, i) => model.set(WEIGHTS[i], value));
    model.save_changes();
  });
  for (const name of ["image", "position", ...WEIGHTS]) model.on(`change:${name}`, redraw);
  redraw();
}

export default { render };
