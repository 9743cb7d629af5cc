// kernel_explorer's drawing: a kernel applied to an image at the chosen stride, padding and
// dilation, computed in the browser (conv2d from conv_math.js, which Python puts in front of
// this file), so the jslinked sliders redraw the map on the static book page too. The input
// is drawn grey (0 black, 1 white), the map blue-white-red about 0 (or grey from 0 when no
// value is negative), with a colour bar.

import { conv2d, outputSize } from "./conv_math.js";
import { batched, canvasFigure, count, legend, mapScale, nameControls, numbersProblem, paintValues, pixelScale, scaleWords, settingsProblem, showProblem } from "./drawing.js";

const SCALE = 5;  // screen pixels per image pixel, the same for the input and the map

function paint(canvas, values, height, width, scale, padding = 0) {
  canvas.width = (width + 2 * padding) * SCALE;
  canvas.height = (height + 2 * padding) * SCALE;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#c9dcef";  // the padding: zeros that are not part of the image
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  paintValues(ctx, values, height, width, scale, SCALE, padding * SCALE, padding * SCALE);
}

function draw(model, el) {
  const [h, w, kh, kw] = ["height", "width", "kh", "kw"].map((name) => model.get(name));
  const [s, p, d] = ["stride", "padding", "dilation"].map((name) => model.get(name));
  const image = model.get("image");
  const problem = settingsProblem({ height: h, width: w, kh, kw, stride: s, padding: p, dilation: d },
    model.get("limits"))  // the traits' ranges (FeatureMap in explorers/kernel.py)
    ?? (h * w > 4096 ? `the image has ${h}×${w} pixels, more than 4096` : null)
    ?? numbersProblem("the image", image, h * w)
    ?? numbersProblem("the kernel", model.get("kernel"), kh * kw);
  if (problem !== null) {
    showProblem(el, problem, "feature-map-caption feature-map-invalid");
    return;
  }
  const result = conv2d(image, h, w, model.get("kernel"), kh, kw, s, p, d);
  el.replaceChildren();

  const caption = document.createElement("div");
  caption.className = "feature-map-caption";
  caption.setAttribute("aria-live", "polite");
  el.appendChild(caption);
  const settings = `stride ${s}, padding ${p}, dilation ${d}`;
  const formula = (n, k) => `⌊(${n} + 2·${p} − ${d}·(${k}−1) − 1) / ${s}⌋ + 1`;

  const row = document.createElement("div");
  row.className = "feature-map-row";
  el.appendChild(row);
  const pixels = pixelScale(image);
  const input = canvasFigure(row, "feature-map-figure", "feature-map-input",
    p > 0 ? `input ${h}×${w}, padded by ${p} (pale blue)` : `input ${h}×${w}`,
    `The ${h}×${w} input image, ${scaleWords(pixels)}`
    + (p > 0 ? `, with ${count(p, "pixel")} of zero padding all round, drawn pale blue` : ""));
  paint(input, image, h, w, pixels, p);
  Object.assign(input.dataset, { height: h + 2 * p, width: w + 2 * p, padding: p });

  if (result === null) {
    const tall = outputSize(h, kh, p, s, d) === null;
    const [n, k, side] = tall ? [h, kh, "high"] : [w, kw, "wide"];
    caption.textContent = `${settings}: no output: the kernel spans ${d * (k - 1) + 1} pixels, `
      + `but the padded image is only ${n} + 2·${p} = ${n + 2 * p} ${side}`;
    caption.classList.add("feature-map-invalid");
    return;
  }
  const { data, height, width } = result;
  caption.textContent = `${settings}: output ${height}×${width}`
    + (h === w && kh === kw ? ` = ${formula(h, kh)}` : "");
  const scale = mapScale(data);
  const output = canvasFigure(row, "feature-map-figure", "feature-map-output",
    `feature map ${height}×${width}`,
    `The ${height}×${width} feature map for ${settings}, ${scaleWords(scale)}`);
  paint(output, data, height, width, scale);
  legend(output.parentNode, scale);
  output.dataset.height = height;
  output.dataset.width = width;
}

function render({ model, el }) {
  el.classList.add("feature-map");
  nameControls(el);
  const redraw = batched(() => draw(model, el));
  for (const name of ["image", "kernel", "stride", "padding", "dilation"]) {
    model.on(`change:${name}`, redraw);
  }
  redraw();
}

export default { render };
