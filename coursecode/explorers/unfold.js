// UnfoldExplorer's drawing (lesson 2): a small input, its unfolded matrix (one column per
// window), and the weight row times one column, which is one output pixel. Choosing a
// column (slider, click) highlights its window, and clicking a window's top-left cell in the
// input or a pixel of the output chooses its column. Stride and padding change the matrix's
// shape. Columns (windows) count from 0, as F.unfold's last index does, each numbered above
// it. The input's numbers and the matrix are shaded on one scale, the course's grey scale for
// pixels (0 black, 1 white), with black or white text, whichever contrasts more. The matrix's
// columns are at least 16 pixels wide, to click; a matrix wider than the page wraps into
// bands of columns, as a wide matrix prints. The arithmetic is unfold() from conv_math.js,
// which Python puts in front of this.

import { unfold } from "./conv_math.js";
import { batched, count, factor, fmt, legend, nameControls, numbersProblem, pixelScale, scaleWords, settingsProblem, shade, showProblem } from "./drawing.js";

function table(className, caption) {
  const t = document.createElement("table");
  t.className = `unfold-table ${className}`;
  t.createCaption().textContent = caption;
  return t;
}

function draw(model, el) {
  const [h, w, k] = ["height", "width", "kernel_size"].map((name) => model.get(name));
  const [s, p] = [model.get("stride"), model.get("padding")];
  const image = model.get("image");
  const weights = model.get("weights");
  // The traits' ranges (UnfoldMatrix in explorers/unfold.py, sent as `limits`): anything else
  // is not drawn.
  const limits = model.get("limits");
  const problem = settingsProblem({ height: h, width: w, kernel_size: k, stride: s, padding: p },
    limits)
    ?? numbersProblem("the image", image, h * w) ?? numbersProblem("the kernel", weights, k * k)
    ?? settingsProblem({ column: model.get("column") }, limits);
  if (problem !== null) {
    showProblem(el, problem, "unfold-caption unfold-invalid");
    return;
  }
  const u = unfold(image, 1, h, w, k, s, p);
  el.replaceChildren();
  const caption = document.createElement("div");
  caption.className = "unfold-caption";
  caption.setAttribute("aria-live", "polite");
  el.appendChild(caption);
  if (u === null) {
    caption.textContent = `stride ${s}, padding ${p}: no window fits: the kernel is ${k} wide, `
      + `the padded input ${w} + 2·${p} = ${w + 2 * p}`;
    caption.classList.add("unfold-invalid");
    return;
  }
  if (model.get("last_column") !== u.cols - 1 || model.get("column") > u.cols - 1) {
    // The column slider's maximum follows the last column (jslinked), and a chosen column
    // past it moves to it. Setting them redraws (batched, after this).
    model.set("last_column", u.cols - 1);
    model.set("column", Math.min(model.get("column"), u.cols - 1));
    model.save_changes();   // only sends to Python when a kernel is connected
  }
  const j = Math.min(model.get("column"), u.cols - 1);
  const top = Math.floor(j / u.outW) * s;          // window's top-left in the padded input
  const left = (j % u.outW) * s;
  caption.textContent = `stride ${s}, padding ${p}: unfolded matrix (C·k·k, L) = `
    + `(1·${k}·${k}, ${u.cols}) = (${u.rows}, ${u.cols}): ${count(u.cols, "window")} of `
    + count(u.rows, "number");

  const choose = (column) => {
    model.set("column", column);
    model.save_changes();   // only sends to Python when a kernel is connected
  };
  const row = document.createElement("div");
  row.className = "unfold-row";
  el.appendChild(row);

  // The padded input, numbers in cells shaded on the scale of the pixels (the padding pale
  // blue, as in lesson 3); the chosen window framed.
  const scale = pixelScale(image);
  const m = [h + 2 * p, w + 2 * p];
  const input = table("unfold-input",
    `input ${h}×${w}` + (p ? `, padded by ${p} (pale blue)` : ""));
  for (let y = 0; y < m[0]; y++) {
    const tr = input.insertRow();
    for (let x = 0; x < m[1]; x++) {
      const td = tr.insertCell();
      const inside = y >= p && y < h + p && x >= p && x < w + p;
      if (inside) {
        const v = image[(y - p) * w + (x - p)];
        td.textContent = fmt(v);
        shade(td, v, scale);
      } else {
        td.textContent = "0";
        td.classList.add("unfold-pad");
      }
      if (y >= top && y < top + k && x >= left && x < left + k) td.classList.add("unfold-window");
      // the cell as a window's top-left corner: that window's column
      if ((y % s === 0) && (x % s === 0) && y / s < u.outH && x / s < u.outW) {
        td.classList.add("unfold-corner");
        td.title = `window ${(y / s) * u.outW + x / s}`;
        td.addEventListener("click", () => choose((y / s) * u.outW + x / s));
      }
    }
  }
  row.appendChild(input);

  // The unfolded matrix: rows = positions in the window, columns = windows, each column
  // numbered above it; the chosen one framed, with its numbers. One column per flex item, so
  // that a matrix wider than the page wraps into bands of columns.
  const column = Array.from({ length: u.rows }, (_, r) => u.data[r * u.cols + j]);
  const matrixBox = document.createElement("div");
  matrixBox.className = "unfold-matrix-box";
  const matrixCaption = document.createElement("div");
  matrixCaption.className = "unfold-matrix-caption";
  matrixCaption.textContent = `unfolded ${u.rows}×${u.cols}: column ${j} is the framed window; `
    + "a row per pixel of a window (padding's zeros black, as 0 is)";
  const matrix = document.createElement("div");
  matrix.className = "unfold-matrix";
  matrix.setAttribute("role", "img");
  matrix.setAttribute("aria-label", `The unfolded matrix, ${count(u.rows, "row")} by `
    + `${count(u.cols, "column")} `
    + `(one per window, numbered from 0), ${scaleWords(scale)}; column ${j}, framed, holds `
    + column.map(fmt).join(", "));
  for (let c = 0; c < u.cols; c++) {
    const strip = document.createElement("div");
    strip.className = c === j ? "unfold-col unfold-chosen" : "unfold-col";
    strip.dataset.column = String(c);
    const head = document.createElement("div");
    head.className = "unfold-head";
    head.textContent = String(c);
    const cells = document.createElement("div");
    cells.className = "unfold-cells";
    for (let r = 0; r < u.rows; r++) {
      const cell = document.createElement("div");
      cell.className = "unfold-cell";
      const v = u.data[r * u.cols + c];
      shade(cell, v, scale);
      cell.title = `row ${r}, column ${c}: ${fmt(v)}`;
      if (c === j) cell.textContent = fmt(v);
      cells.appendChild(cell);
    }
    strip.append(head, cells);
    strip.addEventListener("click", () => choose(c));
    matrix.appendChild(strip);
  }
  matrixBox.append(matrixCaption, matrix);
  legend(matrixBox, scale, "the input's and the matrix's colours");
  row.appendChild(matrixBox);

  // The weight row times the chosen column: one output pixel.
  const value = column.reduce((sum, v, r) => sum + v * weights[r], 0);
  const i0 = Math.floor(j / u.outW);
  const j0 = j % u.outW;
  const product = document.createElement("div");
  product.className = "unfold-product";
  product.textContent = `weights · column ${j} = `
    + column.map((v, r) => `${factor(weights[r])}×${factor(v)}`).join(" + ")
    + ` = ${fmt(value)} = output[${i0}, ${j0}] of ${u.outH}×${u.outW}`;
  el.appendChild(product);
}

function render({ model, el }) {
  el.classList.add("unfold-explorer");
  nameControls(el);
  const redraw = batched(() => draw(model, el));
  for (const name of ["image", "stride", "padding", "column", "last_column", "weights"]) {
    model.on(`change:${name}`, redraw);
  }
  redraw();
}

export default { render };
