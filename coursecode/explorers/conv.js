// The ConvExplorer's drawing: runs in the browser, in Jupyter and on the static book page.
// Python sends five numbers (size, kernel_size, padding, stride, dilation: n, k, p, s, d in
// the formula); sliders are jslinked to them, so the picture redraws with no kernel. The formula is outputSize() in conv_math.js, which Python puts in
// front of this file; its Python twin is conv_out_size.

import { outputSize } from "./conv_math.js";
import { nameControls, settingsProblem, showProblem } from "./drawing.js";

const CELL = 18;        // pixels per grid cell
const GAP = 60;         // between the input and the output grids
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c"];
const NAMES = ["size", "kernel_size", "padding", "stride", "dilation"];  // the traits

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  parent.appendChild(el);
  return el;
}

function draw(model, el) {
  const values = Object.fromEntries(NAMES.map((name) => [name, model.get(name)]));
  // the controls' ranges, from Python (CONV_CONTROLS): anything else is not drawn
  const problem = settingsProblem(values, model.get("limits"));
  if (problem !== null) {
    showProblem(el, problem, "conv-explorer-size conv-explorer-invalid");
    return;
  }
  const [n, k, p, s, d] = NAMES.map((name) => values[name]);
  const out = outputSize(n, k, p, s, d);
  const span = d * (k - 1) + 1;
  el.replaceChildren();

  const formula = document.createElement("div");
  formula.className = "conv-explorer-formula";
  formula.textContent = `⌊(n + 2p − d(k−1) − 1) / s⌋ + 1 = ⌊(${n} + 2·${p} − ${d}·(${k}−1) − 1) / ${s}⌋ + 1`
    + (out === null ? "" : ` = ${out}`);
  el.appendChild(formula);

  const size = document.createElement("div");
  size.className = "conv-explorer-size";
  el.appendChild(size);
  if (out === null) {
    size.textContent = `no output: the kernel spans ${span} pixels, `
      + `but the padded input is only n + 2p = ${n + 2 * p} wide`;
    size.classList.add("conv-explorer-invalid");
    return;
  }
  size.textContent = `output ${out}×${out}`;

  const m = n + 2 * p;  // padded input side
  const top = Math.max(m, out) * CELL + 2;  // captions go below the grids
  const width = m * CELL + GAP + Math.max(out * CELL, 90) + 2;  // room for the output caption
  // a viewBox: on a narrow screen the drawing scales down to fit (max-width in SHARED_CSS)
  const svg = svgEl("svg", { width, height: top + 20, viewBox: `0 0 ${width} ${top + 20}`, role: "img" }, el);
  const shown = Math.min(out, COLORS.length);
  const kernel = d > 1 ? `a ${k}×${k} kernel with dilation ${d} (spanning ${span}×${span})` : `a ${k}×${k} kernel`;
  const made = shown === 1 ? "its first cell coloured like the kernel position that makes it"
    : `its first ${shown} cells coloured like the kernel positions that make them`;
  svg.setAttribute("aria-label", `The ${n}×${n} input`
    + (p > 0 ? `, padded by ${p} to ${m}×${m}` : ", no padding")
    + `, with ${kernel} at its first ${shown === 1 ? "position" : `${shown} positions, stride ${s}`}`
    + `; the output is ${out}×${out}, ${made}.`);
  const caption = (x, text) => {
    svgEl("text", { x, y: top + 14, "font-size": 12, "font-family": "sans-serif" }, svg).textContent = text;
  };
  caption(1, p > 0 ? `input ${n}×${n} + pad ${p}` : `input ${n}×${n}`);
  caption(m * CELL + GAP + 1, `output ${out}×${out}`);
  // Padded input: padding cells grey and dashed, image cells white.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const pad = i < p || j < p || i >= m - p || j >= m - p;
      svgEl("rect", {
        x: j * CELL + 1, y: i * CELL + 1, width: CELL, height: CELL,
        fill: pad ? "#e8e8e8" : "#ffffff", stroke: "#999",
        "stroke-dasharray": pad ? "2,2" : "none", class: pad ? "pad" : "pixel",
      }, svg);
    }
  }
  // The kernel's first positions along the top row: its taps as dots, its span as a frame.
  for (let w = 0; w < shown; w++) {
    const left = w * s;
    svgEl("rect", {
      x: left * CELL + 1, y: 1, width: span * CELL, height: span * CELL,
      fill: "none", stroke: COLORS[w], "stroke-width": 2, "stroke-opacity": 0.8,
    }, svg);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        svgEl("circle", {
          cx: (left + b * d + 0.5) * CELL + 1, cy: (a * d + 0.5) * CELL + 1, r: CELL / 5,
          fill: COLORS[w], "fill-opacity": 0.7,
        }, svg);
      }
    }
  }
  // The output grid, with the cells those positions produce in the same colours.
  const x0 = m * CELL + GAP;
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < out; j++) {
      const first = i === 0 && j < shown;
      svgEl("rect", {
        x: x0 + j * CELL + 1, y: i * CELL + 1, width: CELL, height: CELL,
        fill: first ? COLORS[j] : "#dbe9f6", stroke: "#555", class: "out",
      }, svg);
    }
  }
}

function render({ model, el }) {
  el.classList.add("conv-explorer");
  nameControls(el);
  const redraw = () => draw(model, el);
  for (const name of NAMES) model.on(`change:${name}`, redraw);
  redraw();
}

export default { render };
