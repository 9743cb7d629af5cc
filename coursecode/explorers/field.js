// FieldExplorer's drawing (lesson 6): the input and every layer's grid of units. Click a unit
// (or move it with the arrow keys) and the input pixels it sees light up, with the units of
// every layer in between that feed it; a table gives each layer's field size, jump and start.
// All computed here (field_math.js, which Python puts in front of this file), so the clicks,
// the layer boxes and the jslinked menu work on the static book page. Layers are named from
// 1 (layer 1 is the first), as receptive_field names them, the input being layer 0; units
// and pixels count from 0. Ranges read "−7 to 7", with a true minus sign. A key under the
// grids names the colours: the pale blue ring is layer 1's padding. After a hand edit the
// menu names the stack the layers now are, or "custom".

import { batched, canvasFigure, colourOf, count, describeMenu, element, guardNumberBoxes, minus, nameControls, numbersProblem, paintColours, pixelScale, sameNumbers, scaleWords, settingsProblem } from "./drawing.js";
import { feeders, fieldTable, layerSizes } from "./field_math.js";

const GRID = 150;           // a grid's side on screen, about
const MARGIN_MAX = 24;      // input pixels of padding drawn around the input, at most
const FED = [255, 127, 14]; // orange: the pixels and units that feed the chosen unit
const FIELDS = ["kernel", "stride", "padding", "dilation"];

/** "a to b" for a sorted list of indices, "a to b (n of them)" when it has gaps, "none" when
 * empty; a true minus sign before a negative index. */
function span(indices) {
  if (indices.length === 0) return "none";
  const [low, high] = [indices[0], indices[indices.length - 1]];
  const text = low === high ? minus(low) : `${minus(low)} to ${minus(high)}`;
  return indices.length === high - low + 1 ? text : `${text} (${indices.length} of them)`;
}

/** The key to the drawings' colours: a swatch (a CSS class) and its words, for each; its
 * first entry, layer 1's padding, is shown only while layer 1 pads. */
function fieldKey() {
  const key = element("div", "field-key");
  const entries = [
    ["field-swatch-pad", "layer 1's padding: zeros around the input"],
    ["field-swatch-fed", "the pixels and units that feed the chosen unit"],
    ["field-swatch-unit", "the chosen unit"],
    ["field-swatch-field", "its whole field (past the blue ring: the padding of later layers)"],
  ];
  for (const [swatch, words] of entries) {
    const item = element("span", "field-key-item");
    const mark = element("span", `field-swatch ${swatch}`);
    mark.setAttribute("aria-hidden", "true");
    item.append(mark, words);
    key.appendChild(item);
  }
  return [key, key.children[0]];
}

/** Whether two stacks hold the same layers. */
const sameLayers = (a, b) => a.length === b.length && a.every((layer, i) => sameNumbers(layer, b[i]));

/** The layers as field_math.js reads them. */
const asLayers = (layers) => layers.map(([k, s, p, d]) => ({ k, s, p, d }));

/**
 * Why the model's settings cannot be drawn (FieldView's traits out of their ranges: a layer
 * value outside FIELD_RANGES, not 1 to 8 layers, an image that is not height × width finite
 * numbers), or null.
 */
function fieldProblem(model) {
  const [h, w] = [model.get("height"), model.get("width")];
  const layers = model.get("layers");
  const ranges = model.get("ranges");
  const problem = settingsProblem({ height: h, width: w, level: model.get("level"),
    row: model.get("row"), col: model.get("col") },
  model.get("limits"))
    ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
    ?? numbersProblem("the image", model.get("image"), h * w);
  if (problem !== null) return problem;
  if (!Array.isArray(layers) || layers.length < 1 || layers.length > 8) {
    return "layers must hold 1 to 8 layers";
  }
  for (const [i, layer] of layers.entries()) {
    if (!Array.isArray(layer) || layer.length !== 4) return `layer ${i + 1} is not 4 numbers`;
    const limits = Object.fromEntries(FIELDS.map((name) => [name, ranges[name] ?? [0, 0]]));
    const values = Object.fromEntries(FIELDS.map((name, f) => [name, layer[f]]));
    const bad = settingsProblem(values, limits);
    if (bad !== null) return `layer ${i + 1}: ${bad}`;
  }
  return null;
}

/** The unit (level, row, col) moved back onto the grids that exist for these layers. */
function clampUnit(layers, h, w, level, row, col) {
  const rows = layerSizes(asLayers(layers), h);
  const cols = layerSizes(asLayers(layers), w);
  if (rows === null || cols === null) return null;
  let l = Math.min(Math.max(level, 1), layers.length);
  while (l >= 1 && (rows[l] === null || cols[l] === null)) l--;
  if (l < 1) return null;
  return [l, Math.min(Math.max(row, 0), rows[l] - 1), Math.min(Math.max(col, 0), cols[l] - 1)];
}

function render({ model, el }) {
  el.classList.add("field-explorer");
  nameControls(el);
  const caption = element("div", "field-caption");
  caption.setAttribute("aria-live", "polite");
  const grids = element("div", "field-row");
  const table = element("table", "field-table");
  const buttons = element("div", "field-buttons");
  const add = element("button", "", "add a layer");
  const remove = element("button", "", "remove the last layer");
  const reset = element("button", "", "reset the layers");
  add.type = remove.type = reset.type = "button";
  reset.title = "back to the stack last chosen from the menu";
  buttons.append(add, remove, reset);
  const tableBox = element("div", "field-table-box");   // scrolls sideways on a narrow screen
  tableBox.appendChild(table);
  const note = element("div", "course-box-note");
  note.setAttribute("role", "status");
  const [key, padKey] = fieldKey();
  el.append(caption, grids, key, tableBox, note, buttons);
  guardNumberBoxes(el, note);

  let boxes = [];   // per layer: the four number boxes, rebuilt when the layer count changes

  const setLayers = (layers) => {
    model.set("layers", layers);
    model.save_changes();   // only sends to Python when a kernel is connected
  };
  const choose = (level, row, col) => {
    model.set("level", level);
    model.set("row", row);
    model.set("col", col);
    model.save_changes();
  };

  const buildTable = (layers) => {
    table.replaceChildren();
    const title = element("caption", "", "The layers (edit them) and the receptive-field recurrence: "
      + "field size r, jump j and start, in input pixels");
    const head = element("tr");
    for (const name of ["layer l", ...FIELDS, "output", "size r", "jump j", "start"]) {
      const th = element("th", "", name);
      th.scope = "col";
      head.appendChild(th);
    }
    table.append(title, head);
    const ranges = model.get("ranges");
    boxes = layers.map((_, i) => {
      const tr = element("tr");
      const th = element("th", "", String(i + 1));
      th.scope = "row";
      tr.appendChild(th);
      const inputs = FIELDS.map((name, f) => {
        const input = element("input");
        input.type = "number";
        [input.min, input.max] = ranges[name].map(String);
        input.setAttribute("aria-label", `layer ${i + 1} ${name}`);
        input.addEventListener("change", () => {
          const value = input.value.trim() === "" ? NaN : Number(input.value);
          const [low, high] = ranges[name];
          const now = model.get("layers");
          if (!Number.isInteger(value) || value < low || value > high) {
            input.value = String(now[i][f]);   // out of range: put the old value back
            return;
          }
          const next = now.map((layer) => layer.slice());
          next[i][f] = value;
          setLayers(next);
        });
        const td = element("td");
        td.appendChild(input);
        tr.appendChild(td);
        return input;
      });
      const cells = ["output", "size", "jump", "start"].map(() => tr.appendChild(element("td")));
      table.appendChild(tr);
      return { tr, inputs, cells };
    });
    const input = element("tr");
    input.append(element("th", "", "0 (input)"), ...FIELDS.map(() => element("td", "", "")),
      element("td", "", `${model.get("height")}×${model.get("width")}`),
      element("td", "", "1"), element("td", "", "1"), element("td", "", "0"));
    table.insertBefore(input, table.children[2]);
  };

  /** Paint a layer's grid: fed units orange, the chosen unit dark with a black frame. */
  const paintGrid = (canvas, nh, nw, fedRows, fedCols, chosen) => {
    const cell = Math.max(4, Math.min(22, Math.floor(GRID / Math.max(nh, nw))));
    canvas.width = nw * cell + 1;
    canvas.height = nh * cell + 1;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (fedRows) {
      ctx.fillStyle = `rgb(${FED})`;
      for (const i of fedRows) for (const j of fedCols) ctx.fillRect(j * cell, i * cell, cell, cell);
    }
    if (chosen) {
      ctx.fillStyle = "#8c2d04";
      ctx.fillRect(chosen[1] * cell, chosen[0] * cell, cell, cell);
    }
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i <= nh; i++) { ctx.moveTo(0, i * cell + 0.5); ctx.lineTo(nw * cell, i * cell + 0.5); }
    for (let j = 0; j <= nw; j++) { ctx.moveTo(j * cell + 0.5, 0); ctx.lineTo(j * cell + 0.5, nh * cell); }
    ctx.stroke();
    canvas.dataset.cell = cell;
    canvas.dataset.height = nh;
    canvas.dataset.width = nw;
  };

  /** Paint the input: the image on its grey scale, the pixels the unit sees blended with
   * orange, the first layer's padding as a blue ring, and the unit's whole field as a dashed
   * square. */
  const paintInput = (canvas, image, h, w, margin, pad, fed, extent) => {
    // the image at about GRID pixels, the padding around it at most as wide again: a field
    // far past the border (AlexNet's) shrinks the drawing rather than leave the canvas
    const side = Math.max(h, w);
    const scale = Math.max(2, Math.min(Math.floor(GRID / side),
      Math.floor((2 * GRID) / (side + 2 * margin))));
    canvas.width = (w + 2 * margin) * scale;
    canvas.height = (h + 2 * margin) * scale;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#c9dcef";
    const p = Math.min(pad, margin);
    ctx.fillRect((margin - p) * scale, (margin - p) * scale, (w + 2 * p) * scale, (h + 2 * p) * scale);
    const colours = pixelScale(image);   // 0 black, 1 white
    const rows = new Set(fed[0]);
    const cols = new Set(fed[1]);
    paintColours(ctx, h, w, scale, (p) => {
      const colour = colourOf(image[p], colours);
      const lit = rows.has(Math.floor(p / w)) && cols.has(p % w);
      // mostly orange, so that a lit black pixel reads orange, not brown (the chosen unit's)
      return lit ? colour.map((v, c) => Math.round(0.3 * v + 0.7 * FED[c])) : colour;
    }, margin * scale, margin * scale);
    const [[top, bottom], [left, right]] = extent;
    ctx.strokeStyle = "#d95f02";
    ctx.lineWidth = 2;
    ctx.setLineDash([5, 3]);
    ctx.strokeRect((left + margin) * scale + 1, (top + margin) * scale + 1,
      (right - left + 1) * scale - 2, (bottom - top + 1) * scale - 2);
    ctx.setLineDash([]);
    Object.assign(canvas.dataset, { scale, margin, height: h, width: w,
      rows: fed[0].join(","), cols: fed[1].join(",") });
  };

  const draw = () => {
    const [h, w] = [model.get("height"), model.get("width")];
    const layers = model.get("layers");
    const problem = fieldProblem(model);
    if (problem !== null) {
      caption.textContent = `no output: ${problem}`;
      caption.classList.add("field-invalid");
      grids.replaceChildren();
      return;
    }
    const stack = asLayers(layers);
    // The menu names the stack the layers are, or "custom" after a hand edit.
    const stacks = model.get("stacks");
    if (Array.isArray(stacks) && stacks.length) {
      describeMenu(model, "stack", stacks, ([, named]) => sameLayers(named, layers));
    }
    if (boxes.length !== layers.length) buildTable(layers);
    add.disabled = layers.length >= 8;
    remove.disabled = layers.length <= 1;
    const rowsAt = layerSizes(stack, h);
    const colsAt = layerSizes(stack, w);
    const table_ = fieldTable(stack);
    boxes.forEach(({ tr, inputs, cells }, i) => {
      inputs.forEach((input, f) => {
        if (document.activeElement !== input) input.value = String(layers[i][f]);
      });
      const fits = rowsAt && rowsAt[i + 1] !== null && colsAt[i + 1] !== null;
      const { size, jump, start } = table_[i];
      cells[0].textContent = fits ? `${rowsAt[i + 1]}×${colsAt[i + 1]}` : "does not fit";
      cells[0].classList.toggle("field-invalid", !fits);
      cells[1].textContent = String(size);
      cells[2].textContent = String(jump);
      cells[3].textContent = String(start);
      tr.classList.toggle("field-chosen", i + 1 === model.get("level"));
    });

    const unit = clampUnit(layers, h, w, model.get("level"), model.get("row"), model.get("col"));
    if (unit === null) {
      caption.textContent = "No unit to show: layer 1 does not fit the input. Make its kernel "
        + "smaller or its padding larger.";
      caption.classList.add("field-invalid");
      grids.replaceChildren();
      return;
    }
    caption.classList.remove("field-invalid");
    const [level, row, col] = unit;
    if (level !== model.get("level") || row !== model.get("row") || col !== model.get("col")) {
      choose(level, row, col);   // redraws once more, with the unit on a grid that exists
      return;
    }
    const byRow = feeders(stack, h, level, row);
    const byCol = feeders(stack, w, level, col);
    const fitting = rowsAt.findIndex((n, i) => i > 0 && (n === null || colsAt[i] === null));
    const shown = fitting === -1 ? layers.length : fitting - 1;

    // The figures: made again only when the number of grids changes.
    if (grids.children.length !== shown + 1) {
      grids.replaceChildren();
      for (let l = 0; l <= shown; l++) {
        const canvas = canvasFigure(grids, "field-figure", `field-grid field-level-${l}`, "", "");
        canvas.dataset.level = l;
        if (l === 0) continue;
        canvas.tabIndex = 0;
        canvas.setAttribute("aria-keyshortcuts", "ArrowUp ArrowDown ArrowLeft ArrowRight");
        canvas.addEventListener("click", (event) => {
          const box = canvas.getBoundingClientRect();
          const cell = Number(canvas.dataset.cell) * (box.width / canvas.width);
          const [nh, nw] = [Number(canvas.dataset.height), Number(canvas.dataset.width)];
          const i = Math.min(nh - 1, Math.floor((event.clientY - box.top) / cell));
          const j = Math.min(nw - 1, Math.floor((event.clientX - box.left) / cell));
          choose(l, Math.max(0, i), Math.max(0, j));
        });
        canvas.addEventListener("keydown", (event) => {
          const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
          const move = moves[event.key];
          if (!move) return;
          event.preventDefault();
          const [nh, nw] = [Number(canvas.dataset.height), Number(canvas.dataset.width)];
          const here = model.get("level") === l;
          const [i, j] = here ? [model.get("row"), model.get("col")]
            : [Math.floor((nh - 1) / 2), Math.floor((nw - 1) / 2)];
          choose(l, Math.min(nh - 1, Math.max(0, i + (here ? move[0] : 0))),
            Math.min(nw - 1, Math.max(0, j + (here ? move[1] : 0))));
        });
      }
    }
    // The padding drawn around the input: the first layer's, or as much of the field as
    // falls outside (up to MARGIN_MAX), whichever is more.
    const outside = Math.max(0, -byRow.extent[0], byRow.extent[1] - (h - 1),
      -byCol.extent[0], byCol.extent[1] - (w - 1));
    const margin = Math.max(Math.min(layers[0][2], MARGIN_MAX), Math.min(outside, MARGIN_MAX));
    const canvases = grids.querySelectorAll("canvas");
    const input = canvases[0];
    paintInput(input, model.get("image"), h, w, margin, layers[0][2],
      [byRow.levels[0], byCol.levels[0]], [byRow.extent, byCol.extent]);
    const r = byRow.extent[1] - byRow.extent[0] + 1;
    const c = byCol.extent[1] - byCol.extent[0] + 1;
    const pad = layers[0][2];
    input.nextSibling.textContent = `input ${h}×${w}`;
    padKey.hidden = pad === 0;
    const greys = scaleWords(pixelScale(model.get("image")));
    input.setAttribute("aria-label", `The ${h}×${w} input, ${greys}`
      + (pad ? `, in a pale blue ring of ${count(pad, "pixel")}: layer 1's padding` : "")
      + `: the pixels unit (${row}, ${col}) of layer ${level} sees are orange, rows `
      + `${span(byRow.levels[0])}, columns ${span(byCol.levels[0])}; its whole ${r}×${c} field `
      + "is the dashed square");
    for (let l = 1; l <= shown; l++) {
      const canvas = canvases[l];
      const feeds = l <= level;
      paintGrid(canvas, rowsAt[l], colsAt[l], feeds ? byRow.levels[l] : null,
        feeds ? byCol.levels[l] : null, l === level ? [row, col] : null);
      canvas.nextSibling.textContent = `layer ${l}: ${rowsAt[l]}×${colsAt[l]}`;
      const what = l === level ? `the chosen unit is (${row}, ${col})`
        : feeds ? `the units that feed it are rows ${span(byRow.levels[l])}, columns ${span(byCol.levels[l])}`
          : "it comes after the chosen unit";
      canvas.setAttribute("aria-label", `Layer ${l}'s ${rowsAt[l]}×${colsAt[l]} units: ${what}. `
        + "Click a unit, or use the arrow keys, to choose it.");
    }
    if (byRow.levels[0].length === 0 || byCol.levels[0].length === 0) {
      caption.textContent = `Unit (${row}, ${col}) of layer ${level} (${rowsAt[level]}×`
        + `${colsAt[level]}) has a ${r}×${c} field, rows ${minus(byRow.extent[0])} to `
        + `${minus(byRow.extent[1])}, columns ${minus(byCol.extent[0])} to `
        + `${minus(byCol.extent[1])}: all of it padding. It sees no input pixel at all, `
        + "only zeros.";
      return;
    }
    const cut = byRow.extent[0] < 0 || byRow.extent[1] > h - 1 || byCol.extent[0] < 0
      || byCol.extent[1] > w - 1;
    const gaps = [byRow.levels[0], byCol.levels[0]].some((v) => v.length < v.at(-1) - v[0] + 1);
    caption.textContent = `Unit (${row}, ${col}) of layer ${level} (${rowsAt[level]}×`
      + `${colsAt[level]}) has a ${r}×${c} field: rows ${minus(byRow.extent[0])} to `
      + `${minus(byRow.extent[1])}, columns ${minus(byCol.extent[0])} to ${minus(byCol.extent[1])}`
      + (cut ? `. Cut at the border (the rest is padding), it sees input rows `
        + `${span(byRow.levels[0])}, columns ${span(byCol.levels[0])}.` : ", all inside the input.")
      + (gaps ? " Dilation leaves gaps: it reads only some of those rows and columns." : "");
  };
  const redraw = batched(draw);

  add.addEventListener("click", () => setLayers([...model.get("layers").map((l) => l.slice()), [3, 1, 1, 1]]));
  remove.addEventListener("click", () => setLayers(model.get("layers").slice(0, -1).map((l) => l.slice())));
  let lastChosen = model.get("stack");   // the stack "reset the layers" goes back to
  const applyStack = (index) => {
    const chosen = model.get("stacks")[index];
    if (!chosen || chosen[1] === null) return;   // "custom": the layers stay as they are
    lastChosen = index;
    const layers = chosen[1].map((l) => l.slice());
    const [h, w] = [model.get("height"), model.get("width")];
    const rows = layerSizes(asLayers(layers), h);
    const cols = layerSizes(asLayers(layers), w);
    model.set("layers", layers);
    model.set("level", layers.length);
    model.set("row", rows && rows.at(-1) !== null ? Math.floor((rows.at(-1) - 1) / 2) : 0);
    model.set("col", cols && cols.at(-1) !== null ? Math.floor((cols.at(-1) - 1) / 2) : 0);
    model.set("stack", index);   // after the layers: the menu names them
    model.save_changes();
  };
  model.on("change:stack", () => {
    const index = model.get("stack");
    const chosen = model.get("stacks")[index];
    if (!chosen || chosen[1] === null) return;   // "custom": the layers stay as they are
    lastChosen = index;
    // A stack chosen from the menu; not when the menu only follows an edit that made one.
    if (!sameLayers(chosen[1], model.get("layers"))) applyStack(index);
  });
  reset.addEventListener("click", () => applyStack(lastChosen));
  for (const name of ["image", "layers", "level", "row", "col"]) model.on(`change:${name}`, redraw);
  draw();
}

export default { render };
