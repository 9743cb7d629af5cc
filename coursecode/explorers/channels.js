// ChannelsExplorer's drawing (lesson 5): a colour photo, one kernel with a slice per channel,
// the three per-channel maps and their sum, which is the output channel; or, in the 1×1
// mode, three weights that mix R, G and B into one channel. All computed here
// (conv2dChannels from conv_math.js, which Python puts in front of this file), so the
// jslinked menu and the weight boxes work on the static book page. The three parts and their
// sum share one scale (blue-white-red about 0, or grey from 0 when no value is negative),
// explained by one colour bar; after a hand edit the menu names the preset the weights now
// are, or "custom". Each sign ("→", "+", "=") stays on a line with the map after it, so that
// a narrow page wraps the row before a sign, never after one.

import { conv2dChannels } from "./conv_math.js";
import { batched, canvasFigure, describeMenu, fmt, guardNumberBoxes, legend, mapScale, minus, nameControls, numbersProblem, paintColours, paintValues, sameNumbers, scaleWords, settingsProblem, showProblem, valueRange, weightedSum } from "./drawing.js";

const PHOTO_SCALE = 3;   // screen pixels per photo pixel
const MAP_SCALE = 2;     // and per map pixel: four maps fit beside the photo
const COLOURS = ["red", "green", "blue"];

function paintMap(canvas, values, height, width, scale) {
  canvas.width = width * MAP_SCALE;
  canvas.height = height * MAP_SCALE;
  Object.assign(canvas.dataset, { height, width });
  paintValues(canvas.getContext("2d"), values, height, width, scale, MAP_SCALE);
}

function paintPhoto(canvas, image, height, width) {
  canvas.width = width * PHOTO_SCALE;
  canvas.height = height * PHOTO_SCALE;
  const plane = height * width;
  const byte = (v) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  paintColours(canvas.getContext("2d"), height, width, PHOTO_SCALE,
    (p) => [byte(image[p]), byte(image[plane + p]), byte(image[2 * plane + p])]);
}

/** A sign and the figure after it, kept together on one line: returns the box to put the
 * figure in. */
function signed(parent, text) {
  const unit = document.createElement("div");
  unit.className = "channels-unit";
  const span = document.createElement("span");
  span.className = "channels-sign";
  span.textContent = text;
  unit.appendChild(span);
  parent.appendChild(unit);
  return unit;
}

/** A weight as a formula writes it: two decimals, or three when it has them ("0.299", as
 * the boxes show it), with a true minus sign. */
function weightText(v) {
  const r = Math.round(v * 1000) / 1000;
  return minus(Math.abs(r * 100 - Math.round(r * 100)) < 1e-6 ? r.toFixed(2) : r.toFixed(3));
}

/** The weights as the model holds them for the current mode: 27 (3×3×3) or 3 (1×1). */
function weightsOf(model) {
  return model.get("mode") === 1 ? model.get("mix") : model.get("kernel");
}

function draw(model, el) {
  const [h, w, mode] = [model.get("height"), model.get("width"), model.get("mode")];
  const image = model.get("image");
  const k = mode === 1 ? 1 : 3;
  const problem = settingsProblem({ height: h, width: w, mode }, model.get("limits"))
    ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
    ?? numbersProblem("the image", image, 3 * h * w)
    ?? numbersProblem("the weights", weightsOf(model), 3 * k * k);
  if (problem !== null) {
    showProblem(el, problem, "channels-caption");
    return;
  }
  const result = conv2dChannels(image, 3, h, w, weightsOf(model), k, k);
  el.replaceChildren();
  const caption = document.createElement("div");
  caption.className = "channels-caption";
  caption.setAttribute("aria-live", "polite");
  el.appendChild(caption);
  if (result === null) {
    caption.textContent = "no output: the kernel does not fit the image";
    return;
  }
  const { channels, data, height, width } = result;
  caption.textContent = mode === 1
    ? `1×1 convolution: output (1, ${height}, ${width}) = `
      + weightedSum(COLOURS.map((c, i) => [model.get("mix")[i], c]), weightText)
    : `one 3×3×3 kernel: output (1, ${height}, ${width}) = red ∗ slice 0 + green ∗ slice 1 `
      + "+ blue ∗ slice 2";
  const row = document.createElement("div");
  row.className = "channels-row";
  el.appendChild(row);
  paintPhoto(canvasFigure(row, "channels-figure", "channels-photo", `photo (3, ${h}, ${w})`,
    `The colour photo, ${h}×${w} pixels`), image, h, w);
  // The three parts and their sum share one scale, so that their sizes compare.
  const scale = mapScale(...channels, data);
  const words = `on one shared scale, ${scaleWords(scale)}`;
  // Each text alternative gives the map's range: it follows every weight a reader changes.
  const span = ([a, b]) => `values from ${fmt(a)} to ${fmt(b)}`;
  channels.forEach((map, c) => {
    const what = mode === 1 ? `${weightText(model.get("mix")[c])} × ${COLOURS[c]}`
      : `${COLOURS[c]} ∗ slice ${c}`;
    paintMap(canvasFigure(signed(row, c > 0 ? "+" : "→"), "channels-figure",
      `channels-map channels-map-${c}`, what,
      `The ${COLOURS[c]} channel's part of the output (${what}), ${height}×${width}, `
      + `${span(valueRange(map))}, ${words}`),
    map, height, width, scale);
  });
  const out = canvasFigure(signed(row, "="), "channels-figure", "channels-output",
    `output channel ${height}×${width}`,
    `The output channel, the sum of the three parts, ${height}×${width}, `
    + `${span(valueRange(data))}, ${words}`);
  paintMap(out, data, height, width, scale);
  legend(out.parentNode, scale);
}

function weightBoxes(model, el) {
  // Built once (so that a box keeps the focus while its value is redrawn), shown by mode.
  const box = document.createElement("div");
  box.className = "channels-weights";
  const slices = document.createElement("div");
  slices.className = "channels-slices";
  const mix = document.createElement("div");
  mix.className = "channels-mix";
  box.append(slices, mix);
  const inputs = { kernel: [], mix: [] };
  const input = (trait, index, label) => {
    const field = document.createElement("input");
    field.type = "number";
    field.step = "0.1";
    field.setAttribute("aria-label", label);
    field.addEventListener("change", () => {
      const value = field.value.trim() === "" ? NaN : Number(field.value);
      if (!Number.isFinite(value)) {   // empty, or not a number: the value in force comes back
        field.value = String(model.get(trait)[index]);
        return;
      }
      const values = model.get(trait).slice();
      values[index] = value;
      model.set(trait, values);
      model.save_changes();   // only sends to Python when a kernel is connected
    });
    inputs[trait].push(field);
    return field;
  };
  COLOURS.forEach((colour, c) => {
    const grid = document.createElement("div");
    grid.className = "channels-slice";
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", `${colour} slice of the kernel`);
    const title = document.createElement("div");
    title.textContent = `slice ${c} (${colour})`;
    grid.appendChild(title);
    for (let i = 0; i < 9; i++) {
      grid.appendChild(input("kernel", c * 9 + i,
        `${colour} slice weight row ${Math.floor(i / 3)} column ${i % 3}`));
    }
    slices.appendChild(grid);
    const label = document.createElement("label");
    label.textContent = `${colour} `;
    label.appendChild(input("mix", c, `1×1 weight of ${colour}`));
    mix.appendChild(label);
  });
  el.appendChild(box);
  return () => {
    for (const trait of ["kernel", "mix"]) {
      model.get(trait).forEach((v, i) => {
        if (document.activeElement !== inputs[trait][i]) inputs[trait][i].value = String(v);
      });
    }
    slices.hidden = model.get("mode") === 1;
    mix.hidden = model.get("mode") !== 1;
  };
}

function render({ model, el }) {
  el.classList.add("channels-explorer");
  nameControls(el);
  const syncBoxes = weightBoxes(model, el);
  const note = document.createElement("div");
  note.className = "course-box-note";
  note.setAttribute("role", "status");
  el.appendChild(note);
  guardNumberBoxes(el, note);
  const content = document.createElement("div");
  el.appendChild(content);
  const redraw = batched(() => {
    // The menu names the preset the mode and weights are, or "custom" after a hand edit.
    const presets = model.get("presets");
    if (Array.isArray(presets) && presets.length) {
      describeMenu(model, "preset", presets, ([, mode, weights]) => mode === model.get("mode")
        && sameNumbers(weights, weightsOf(model)));
    }
    syncBoxes();
    draw(model, content);
  });
  model.on("change:preset", () => {
    const chosen = model.get("presets")[model.get("preset")];
    if (!chosen || chosen[2] === null) return;   // "custom": the weights stay as they are
    const [, mode, weights] = chosen;
    model.set("mode", mode);
    model.set(mode === 1 ? "mix" : "kernel", weights.slice());
    model.save_changes();
  });
  for (const name of ["image", "mode", "kernel", "mix"]) model.on(`change:${name}`, redraw);
  redraw();
}

export default { render };
