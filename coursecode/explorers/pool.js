// PoolExplorer's drawing (lesson 3): the input and its pooled output side by side. Click an
// output cell (or move it with the arrow keys) and its window lights up on the input, with
// the window's numbers and their max or mean. In ceil_mode the last windows may hang off
// the edge: drawn clipped, with the part off the input dashed. All computed here
// (pool_math.js, which Python puts in front of this file, with drawing.js but not
// conv_math.js), so the jslinked toggle, sliders and checkbox work on the static book page.

import { batched, canvasFigure, count, element, fmt, legend, nameControls, numbersProblem, paintValues, pixelScale, scaleWords, settingsProblem } from "./drawing.js";
import { POOL_MODES, pool2d, poolOutSize, poolWindow } from "./pool_math.js";

const POOL_GRID = 200;            // a canvas's side on screen, about
const POOL_WINDOW = [255, 127, 14];   // orange: the chosen window and its output cell
const MODE_WORDS = ["max pool", "average pool"];

/** "row 3" or "rows 3–5". */
function poolSpan(word, first, count) {
  return count === 1 ? `${word} ${first}` : `${word}s ${first}–${first + count - 1}`;
}

function render({ model, el }) {
  el.classList.add("pool-explorer");
  nameControls(el);
  const caption = element("div", "pool-caption");
  caption.setAttribute("aria-live", "polite");
  const row = element("div", "pool-row");
  const input = canvasFigure(row, "pool-figure", "pool-input", "", "");
  const output = canvasFigure(row, "pool-figure", "pool-output", "", "");
  const key = element("div");   // the output's colour bar
  output.parentNode.appendChild(key);
  output.tabIndex = 0;
  output.setAttribute("aria-keyshortcuts", "ArrowUp ArrowDown ArrowLeft ArrowRight");
  const panel = element("div", "pool-window");
  const numbers = element("table", "pool-numbers");
  const value = element("div", "pool-value");
  panel.append(numbers, value);
  row.appendChild(panel);
  const about = element("div", "pool-window-caption");
  about.setAttribute("aria-live", "polite");
  el.append(caption, row, about);

  const choose = (i, j) => {
    if (i === model.get("row") && j === model.get("col")) return;
    model.set("row", i);
    model.set("col", j);
    model.save_changes();   // only sends to Python when a kernel is connected
  };

  const draw = () => {
    const [h, w] = [model.get("height"), model.get("width")];
    const [k, s] = [model.get("kernel_size"), model.get("stride")];
    const modeIndex = model.get("mode");
    const mode = POOL_MODES[modeIndex] ?? "max";
    const ceil = model.get("ceil_mode");
    const image = model.get("image");
    // The traits' ranges (PoolView in explorers/pool.py, sent as `limits`): anything else is
    // not drawn.
    const limits = model.get("limits");
    const problem = settingsProblem({ height: h, width: w, kernel_size: k, stride: s, mode: modeIndex },
      limits)
      ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
      ?? numbersProblem("the image", image, h * w)
      ?? settingsProblem({ row: model.get("row"), col: model.get("col") }, limits);
    if (problem !== null) {
      caption.textContent = `no output: ${problem}`;
      caption.classList.add("pool-invalid");
      input.parentNode.hidden = true;
      output.parentNode.hidden = true;
      panel.hidden = true;
      about.textContent = "";
      return;
    }
    input.parentNode.hidden = false;
    const settings = `${MODE_WORDS[modeIndex] ?? "max pool"} ${k}, stride ${s}`
      + (ceil ? ", ceil_mode" : "");
    const result = pool2d(image, h, w, k, s, mode, ceil);
    // One scale for the input and the output, the input's: pixels in [0, 1] grey, 0 black and
    // 1 white (a max or a mean of pixels stays in [0, 1]); other values as a map.
    const scale = pixelScale(image);

    if (result === null) {
      // No window fits (or a setting is out of range): say why, and draw only the input.
      const [n, side] = poolOutSize(h, k, s, ceil) === null ? [h, "high"] : [w, "wide"];
      caption.textContent = `${h}×${w} → ${settings} → no output: the window is ${k} pixels `
        + `${side}, the input only ${n}`
        + (ceil ? `, and in ceil_mode a window may hang off the edge by at most stride − 1 = `
          + `${s - 1}` : "")
        + ". Make the window smaller" + (ceil ? " or the stride larger." : ".");
      caption.classList.add("pool-invalid");
      output.parentNode.hidden = true;
      panel.hidden = true;
      about.textContent = "";
      paintInput(image, h, w, scale, 0, null);
      input.setAttribute("aria-label", `The ${h}×${w} input, ${scaleWords(scale)}; no ${k}×${k} `
        + "window fits it");
      output.setAttribute("aria-label", "No output: no window fits the input");
      return;
    }
    caption.classList.remove("pool-invalid");
    output.parentNode.hidden = false;
    panel.hidden = false;
    const { data, height, width } = result;
    const i = Math.min(Math.max(model.get("row"), 0), height - 1);
    const j = Math.min(Math.max(model.get("col"), 0), width - 1);
    if (i !== model.get("row") || j !== model.get("col")) {
      choose(i, j);   // redraws once more, with the cell on the output that exists now
      return;
    }
    const floorH = poolOutSize(h, k, s, false);
    const floorW = poolOutSize(w, k, s, false);
    const extra = ceil && (floorH !== height || floorW !== width);
    caption.textContent = `${h}×${w} → ${settings} → ${height}×${width}`
      + (extra ? ` (${floorH === null || floorW === null ? "none" : `${floorH}×${floorW}`} `
        + "without ceil_mode)" : "");

    const win = poolWindow(image, h, w, k, s, mode, ceil, i, j);
    // The part of the last windows off the input, drawn beside it (less than the stride).
    const margin = Math.max(0, (height - 1) * s + k - h, (width - 1) * s + k - w);
    paintInput(image, h, w, scale, margin, win, k);
    paintOutput(data, height, width, scale, i, j);
    key.replaceChildren();
    legend(key, scale);
    const off = win.count < k * k;
    input.nextSibling.textContent = `input ${h}×${w}` + (margin ? " (hatched: off the edge)" : "");
    input.setAttribute("aria-label", `The ${h}×${w} input, ${scaleWords(scale)}; the window `
      + `of output (${i}, ${j}) `
      + `is outlined in orange: ${poolSpan("row", win.top, win.rows)}, `
      + `${poolSpan("column", win.left, win.cols)}`
      + (off ? `, only ${win.count} of its ${k * k} pixels on the input` : ""));
    output.nextSibling.textContent = `output ${height}×${width}: click a cell`;
    output.setAttribute("aria-label", `The ${height}×${width} output of ${settings}, on the `
      + `input's scale; the chosen `
      + `cell is (${i}, ${j}), value ${fmt(win.value)}. Click a cell, or use the arrow keys, `
      + "to choose it.");

    // The window's numbers: k×k cells, hatched where it hangs off the input.
    numbers.replaceChildren();
    numbers.createCaption().textContent = `its ${k}×${k} window`;
    win.cells.forEach((v, c) => {
      const tr = c % k === 0 ? numbers.insertRow() : numbers.rows[numbers.rows.length - 1];
      const td = tr.insertCell();
      if (v === null) {
        td.className = "pool-off";
        td.textContent = "·";
        td.title = "off the edge of the input";
      } else {
        td.textContent = fmt(v);
        if (c === win.argmax) td.className = "pool-max";
      }
    });
    const covered = win.cells.filter((v) => v !== null);
    if (mode === "max") {
      value.textContent = `max of ${win.count} = ${fmt(win.value)}`;
    } else {
      const sum = covered.reduce((a, b) => a + b, 0);
      value.textContent = `mean = ${fmt(sum)} / ${win.count} = ${fmt(win.value)}`;
    }
    value.dataset.value = String(win.value);
    value.dataset.count = String(win.count);
    about.textContent = `Output (${i}, ${j}) = ${fmt(win.value)}: the ${mode === "max" ? "largest"
      : "mean"} of input ${poolSpan("row", win.top, win.rows)}, `
      + `${poolSpan("column", win.left, win.cols)}.`
      + (off ? ` This window hangs off the edge: it covers only ${count(win.count, "pixel")} of `
        + `its ${k}×${k} = ${k * k}`
        + (mode === "average" ? `, so its mean divides by ${win.count}.` : ".") : "");
  };

  /** The input on `scale`; the chosen window outlined, its part off the input (in the
   * hatched margin) dashed. */
  const paintInput = (image, h, w, colours, margin, win, k) => {
    const scale = Math.max(2, Math.floor(POOL_GRID / (Math.max(h, w) + 3)));
    input.width = (w + margin) * scale;
    input.height = (h + margin) * scale;
    const ctx = input.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, input.width, input.height);
    if (margin) {   // hatched: no pixels there
      ctx.strokeStyle = "#ccc";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let t = -input.height; t < input.width; t += 6) {
        ctx.moveTo(t, input.height);
        ctx.lineTo(t + input.height, 0);
      }
      ctx.stroke();
    }
    paintValues(ctx, image, h, w, colours, scale);
    Object.assign(input.dataset, { scale, height: h, width: w, margin });
    if (!win) return;
    const [x, y] = [win.left * scale, win.top * scale];
    ctx.fillStyle = `rgba(${POOL_WINDOW}, 0.25)`;
    ctx.fillRect(x, y, win.cols * scale, win.rows * scale);
    ctx.strokeStyle = `rgb(${POOL_WINDOW})`;
    ctx.lineWidth = 2;
    if (win.count < k * k) {
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x + 1, y + 1, k * scale - 2, k * scale - 2);
      ctx.setLineDash([]);
    }
    ctx.strokeRect(x + 1, y + 1, win.cols * scale - 2, win.rows * scale - 2);
    Object.assign(input.dataset, { top: win.top, left: win.left, rows: win.rows, cols: win.cols });
  };

  /** The output on the input's scale, the chosen cell framed in orange. */
  const paintOutput = (data, height, width, colours, i, j) => {
    const cell = Math.max(6, Math.min(24, Math.floor(POOL_GRID / Math.max(height, width))));
    output.width = width * cell;
    output.height = height * cell;
    const ctx = output.getContext("2d");
    paintValues(ctx, data, height, width, colours, cell);
    ctx.strokeStyle = `rgb(${POOL_WINDOW})`;
    ctx.lineWidth = 2;
    ctx.strokeRect(j * cell + 1, i * cell + 1, cell - 2, cell - 2);
    Object.assign(output.dataset, { cell, height, width, row: i, col: j });
  };

  output.addEventListener("click", (event) => {
    // offsetX/Y: from the canvas's padding edge, inside its border
    const cell = Number(output.dataset.cell) * (output.clientWidth / output.width);
    const [nh, nw] = [Number(output.dataset.height), Number(output.dataset.width)];
    const i = Math.floor(event.offsetY / cell);
    const j = Math.floor(event.offsetX / cell);
    choose(Math.min(nh - 1, Math.max(0, i)), Math.min(nw - 1, Math.max(0, j)));
  });
  output.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [nh, nw] = [Number(output.dataset.height), Number(output.dataset.width)];
    choose(Math.min(nh - 1, Math.max(0, model.get("row") + move[0])),
      Math.min(nw - 1, Math.max(0, model.get("col") + move[1])));
  });

  const redraw = batched(draw);
  for (const name of ["image", "kernel_size", "stride", "mode", "ceil_mode", "row", "col"]) {
    model.on(`change:${name}`, redraw);
  }
  draw();
}

export default { render };
