// NetworkExplorer's drawing (lesson 4): the trained network runs in the page. A drawing pad
// (or a validation digit) gives the input; the forward pass (network_math.js, which Python
// puts in front of this file) gives every layer's feature maps and the class probabilities.
// Nothing here needs Python, so it all works on the static book page. The pad keeps the
// strokes as paths: strokesInput fits them into 20×20 and only then draws them, with a pen of
// a normal MNIST stroke's width, whatever the drawing's size. Maps are grey from 0 (black) to
// their layer's largest value (white), the scores blue-white-red about 0, each with a colour
// bar; maps and scores are numbered from 0.

import { batched, canvasFigure, count, element, legend, mapScale, paintValues, pixelScale, scaleWords } from "./drawing.js";
import { decodeBytes, decodeFloats, forward, strokesInput } from "./network_math.js";

const PAD = 196;            // the pad's own pixels; CSS may scale it
const STROKE = 15;          // the pen on the pad, in pad pixels (the input's pen is fixed)
const INPUT_SCALE = 4;      // screen pixels per input pixel
const MAP_SIDE = 42;        // a feature map's side on screen, about
const GAP = 3;              // between two maps of a layer
const LABEL = 11;           // the row of numbers above a layer's maps (below its scores)

function button(text, title) {
  const b = element("button", "network-button", text);
  b.type = "button";
  b.title = title;
  return b;
}

/** Paint a stage's c maps (each h×w) side by side, up to 8 a row, on `scale`, each with its
 * number (from 0) above it; single numbers (1×1 maps, such as the scores) are squares in one
 * row, numbered below. */
function paintStage(canvas, stage, scale) {
  const { c, h, w, data } = stage;
  const single = h * w === 1;
  const cell = single ? 20 : Math.max(1, Math.floor(MAP_SIDE / Math.max(h, w)));
  const columns = single ? c : Math.min(c, 8);
  const rows = Math.ceil(c / columns);
  const [mapW, mapH] = [w * cell + GAP, h * cell + LABEL + GAP];
  canvas.width = columns * mapW - GAP;
  canvas.height = rows * mapH - GAP;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = "10px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let m = 0; m < c; m++) {
    const x0 = (m % columns) * mapW;
    const y0 = Math.floor(m / columns) * mapH;
    const top = single ? y0 : y0 + LABEL;
    paintValues(ctx, data.subarray(m * h * w, (m + 1) * h * w), h, w, scale, cell, x0, top);
    if (scale.kind !== "signed") {   // a frame, so that a black map shows where it ends
      ctx.strokeStyle = "#999";
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, top + 0.5, w * cell - 1, h * cell - 1);
    }
    ctx.fillStyle = "#000";
    ctx.fillText(String(m), x0 + (w * cell) / 2, single ? y0 + h * cell + LABEL / 2 + 1 : y0 + LABEL / 2);
  }
}

/** The maps of a stage whose every value is 0 (drawn all black). */
function silent(stage) {
  const { c, h, w, data } = stage;
  const found = [];
  for (let m = 0; m < c; m++) {
    if (data.subarray(m * h * w, (m + 1) * h * w).every((v) => v === 0)) found.push(m);
  }
  return found;
}

/** The map of a stage whose numbers add up to the most: the most active one. */
function busiest(stage) {
  const { c, h, w, data } = stage;
  let [best, most] = [0, -Infinity];
  for (let m = 0; m < c; m++) {
    let total = 0;
    for (let i = m * h * w; i < (m + 1) * h * w; i++) total += data[i];
    if (total > most) [best, most] = [m, total];
  }
  return best;
}

function render({ model, el }) {
  el.classList.add("network-explorer");
  const row = element("div", "network-row");
  el.appendChild(row);

  const pad = canvasFigure(row, "network-figure", "network-pad", "draw a digit here",
    "Drawing pad: draw a digit with the mouse or a finger; the network reads it as you draw");
  pad.width = PAD;
  pad.height = PAD;
  const ink = pad.getContext("2d");

  const controls = element("div", "network-controls");
  row.appendChild(controls);
  const clear = button("clear the pad", "clear the drawing pad");
  const random = button("random digit", "show one of the digits, at random");
  const wrongLabel = element("label", "network-wrong-label", "a digit it gets wrong: ");
  const wrong = element("select", "network-wrong");
  wrongLabel.appendChild(wrong);
  controls.append(clear, random, wrongLabel);

  const seen = canvasFigure(row, "network-figure", "network-input", "what the network sees",
    "The 28×28 input the network reads");
  seen.width = seen.height = 28 * INPUT_SCALE;
  seen.dataset.height = 28;
  seen.dataset.width = 28;
  const pixels = pixelScale([0, 1]);   // the input's pixels: 0 black, 1 white
  legend(seen.parentNode, pixels);

  const probsBox = element("figure", "network-figure");
  const probs = element("ol", "network-probs");
  probs.setAttribute("aria-label", "the probability of every class");
  probsBox.append(probs, element("figcaption", "", "probability of each class"));
  row.appendChild(probsBox);

  const caption = element("div", "network-caption");
  caption.setAttribute("aria-live", "polite");
  el.appendChild(caption);
  const stagesBox = element("div", "network-stages");
  el.appendChild(stagesBox);
  el.appendChild(element("p", "network-note", "Each layer's maps, numbered from 0, share one "
    + "grey scale, from 0 (black) to the layer's largest value (white), shown under them. An "
    + "all-black map holds only zeros: the ReLU cut every value. The last layer's scores, one "
    + "per class (numbered from 0), can be negative: blue below 0, white at 0, red above."));

  let params = null;
  let digits = null;
  const decode = () => {
    params = decodeFloats(model.get("weights"));
    digits = decodeBytes(model.get("digits"));
  };

  const fillMenu = () => {
    const picks = model.get("picks");
    const first = model.get("n_random");
    wrong.replaceChildren(element("option", "", picks.length > first ? "choose one…" : "(none here)"));
    wrong.options[0].value = "";
    picks.slice(first).forEach(([index, label, predicted], k) => {
      const option = element("option", "", `digit ${index}: a ${label} read as ${predicted}`);
      option.value = String(first + k);
      wrong.appendChild(option);
    });
    wrong.disabled = picks.length <= first;
  };

  /** The input now: the picked digit's bytes / 255, or the drawing's 784 numbers (or null). */
  const currentInput = () => {
    const d = model.get("digit");
    if (d >= 0) {
      if (digits === null || (d + 1) * 784 > digits.length) return null;
      return Array.from(digits.subarray(d * 784, (d + 1) * 784), (v) => v / 255);
    }
    const drawn = model.get("drawn");
    return drawn.length === 784 ? drawn : null;
  };

  const draw = () => {
    const d = model.get("digit");
    const picks = model.get("picks");
    if (!Number.isInteger(d) || d < -1 || d >= picks.length) {
      // Not a digit the page holds (NetworkExplorer's digit: -1 for the drawing, or a pick).
      caption.textContent = `no output: digit must be -1 (the drawing) or a whole number from 0 `
        + `to ${picks.length - 1}, not ${String(d)}`;
      probs.replaceChildren();
      stagesBox.replaceChildren();
      el.dataset.prediction = "";
      return;
    }
    const input = currentInput();
    wrong.value = d >= model.get("n_random") ? String(d) : "";   // "choose one…" otherwise
    const result = input === null ? null : forward(model.get("layers"), params, input, 1, 28, 28);
    const ctx = seen.getContext("2d");
    paintValues(ctx, input ?? new Array(784).fill(0), 28, 28, pixels, INPUT_SCALE);
    if (result === null) {
      caption.textContent = "Draw a digit on the black pad, or pick one with the buttons.";
      seen.setAttribute("aria-label", "The 28×28 input the network reads: empty");
      probs.replaceChildren();
      stagesBox.replaceChildren();
      el.dataset.prediction = "";
      return;
    }
    const { stages, probabilities } = result;
    let predicted = 0;
    probabilities.forEach((p, k) => { if (p > probabilities[predicted]) predicted = k; });
    const sure = `${(100 * probabilities[predicted]).toFixed(1)}% sure`;
    if (d >= 0) {
      const [index, label] = model.get("picks")[d];
      caption.textContent = `Digit ${index}, labelled ${label}: the network reads `
        + `${predicted}, ${sure}.`;
      seen.setAttribute("aria-label", `The 28×28 input the network reads: digit ${index}, `
        + `a ${label}, ${scaleWords(pixels)}`);
    } else {
      caption.textContent = `Your drawing: the network reads ${predicted}, ${sure}.`;
      seen.setAttribute("aria-label", "The 28×28 input the network reads: your drawing, "
        + "fitted into 20×20, drawn with a pen of MNIST's width and centred by its centre of "
        + `mass, ${scaleWords(pixels)}`);
    }
    el.dataset.prediction = String(predicted);

    probs.replaceChildren(...probabilities.map((p, k) => {
      const item = element("li", k === predicted ? "network-predicted" : "");
      item.dataset.class = String(k);
      item.dataset.probability = String(p);
      const bar = element("span", "network-bar");
      bar.style.width = `${Math.round(p * 120)}px`;
      item.append(element("span", "", String(k)), bar,
        element("span", "", `${(100 * p).toFixed(1)}%${k === predicted ? " (its answer)" : ""}`));
      return item;
    }));

    // One figure per stage, made once and repainted: the stages keep their place as you draw.
    const names = model.get("stage_names") ?? [];
    const figures = stagesBox.querySelectorAll("canvas.network-stage");
    if (figures.length !== stages.length) {
      stagesBox.replaceChildren();
      stages.forEach((stage, i) => {
        const canvas = canvasFigure(stagesBox, "network-figure", "network-stage", "", "");
        canvas.dataset.stage = i;
        canvas.parentNode.append(element("div", "network-key"), element("div", "network-zero"));
      });
    }
    stagesBox.querySelectorAll("canvas.network-stage").forEach((canvas, i) => {
      const stage = stages[i];
      const last = i === stages.length - 1;
      // Layers are named from 1 (layer 1 is the first), as the lesson names them, each with
      // the module that makes it as code indexes it, from 0: "layer 1 (model[0])".
      const module = names.length === stages.length ? ` (${names[i]})` : "";
      const contents = last ? `the ${count(stage.c, "score")}`
        : stage.h * stage.w === 1 ? count(stage.c, "number")
          : `${count(stage.c, "map")} of ${stage.h}×${stage.w}`;
      canvas.nextSibling.textContent = `layer ${i + 1}${module}: ${contents}`;
      const scale = mapScale(stage.data);
      paintStage(canvas, stage, scale);
      const [key, zero] = [canvas.parentNode.querySelector(".network-key"),
        canvas.parentNode.querySelector(".network-zero")];
      key.replaceChildren();
      legend(key, scale);
      const off = stage.relu ? silent(stage) : [];
      const which = off.length === 1 ? `map ${off[0]} is` : `maps ${off.join(", ")} are`;
      zero.textContent = off.length ? `${which} all black: every value 0, cut by the ReLU` : "";
      const what = `${contents}, numbered from 0`
        + (last ? ` (the scores of classes 0 to ${stage.c - 1})` : "");
      canvas.setAttribute("aria-label", `The output of layer ${i + 1}${module}: ${what}, `
        + `${scaleWords(scale)}; `
        + `the most active is ${last ? "score" : stage.h * stage.w === 1 ? "number" : "map"} `
        + `${busiest(stage)}`
        + (off.length ? `; ${zero.textContent}` : ""));
    });
  };
  const redraw = batched(draw);

  // The pad: the strokes, kept as paths (pad pixels), drawn in white as they come; the input
  // is made from the paths (strokesInput), never from the pad's pixels.
  let strokes = [];
  let pending = false;
  const at = (event) => {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * (PAD / box.width), (event.clientY - box.top) * (PAD / box.height)]
      .map((v) => Math.round(v * 10) / 10);
  };
  const readPad = () => {
    pending = false;
    const made = strokesInput(strokes);
    model.set("drawn", made === null ? [] : Array.from(made.input, (v) => Math.round(v * 1e4) / 1e4));
  };
  const paintSegment = (from, to) => {
    ink.strokeStyle = "#fff";
    ink.lineWidth = STROKE;
    ink.lineCap = "round";
    ink.lineJoin = "round";
    ink.beginPath();
    ink.moveTo(...from);
    ink.lineTo(to[0] + (from === to ? 0.01 : 0), to[1]);
    ink.stroke();
  };
  const stroke = (to) => {
    const line = strokes.at(-1);
    paintSegment(line.at(-1) ?? to, to);
    line.push(to);
    if (!pending) {
      pending = true;
      requestAnimationFrame(readPad);
    }
  };
  const clearPad = () => {
    ink.clearRect(0, 0, PAD, PAD);
    strokes = [];
  };
  let pen = null;   // the pointer drawing now (a mouse button, a finger or a stylus)
  pad.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;   // not a right click
    event.preventDefault();
    pen = event.pointerId;
    try {
      pad.setPointerCapture(pen);   // keep the stroke when the pen leaves the pad
    } catch {
      // not an active pointer (a synthetic event): the stroke still works inside the pad
    }
    if (model.get("digit") !== -1) {
      clearPad();
      model.set("digit", -1);
    }
    strokes.push([]);
    stroke(at(event));
  });
  pad.addEventListener("pointermove", (event) => {
    if (event.pointerId === pen) stroke(at(event));
  });
  const finish = (event) => {
    if (event.pointerId !== pen) return;
    pen = null;
    readPad();
    model.set("strokes", strokes.map((line) => line.slice()));
    model.save_changes();   // only sends to Python when a kernel is connected
  };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);

  clear.addEventListener("click", () => {
    clearPad();
    model.set("digit", -1);
    model.set("drawn", []);
    model.set("strokes", []);
    model.save_changes();
  });
  random.addEventListener("click", () => {
    const n = model.get("n_random");
    const now = model.get("digit");
    let next = Math.floor(Math.random() * n);
    if (n > 1 && next === now) next = (next + 1) % n;
    clearPad();
    model.set("digit", next);
    model.save_changes();
  });
  wrong.addEventListener("change", () => {
    if (wrong.value === "") return;
    clearPad();
    model.set("digit", Number(wrong.value));
    model.save_changes();
  });

  // A view made again (a second display, a re-render) shows the strokes the model holds, and
  // draws on from them.
  const kept = model.get("strokes");
  if (model.get("digit") === -1 && Array.isArray(kept) && strokesInput(kept) !== null) {
    strokes = kept.map((line) => line.slice());
    for (const line of strokes) line.forEach((point, k) => paintSegment(line[k - 1] ?? point, point));
  }
  decode();
  fillMenu();
  model.on("change:weights", () => { decode(); redraw(); });
  model.on("change:digits", () => { decode(); redraw(); });
  model.on("change:picks", () => { fillMenu(); redraw(); });
  for (const name of ["layers", "digit", "drawn", "n_random"]) model.on(`change:${name}`, redraw);
  draw();
}

export default { render };
