// The exercises' checkers for the page's answer boxes, as a plain ES module with no DOM: it
// reads one entry of coursecode.checks.CHECKS (the table Python's checkers read) and gives
// the same verdict and message as coursecode.checks.verdict for what the learner typed.
// The tests run it in Node against Python on every checker (tests/test_answer_boxes.py).

// What Python's checkers share with these besides the table, read from one file by both:
// what counts as a space in an answer (every character that Python's str.isspace or
// JavaScript's \s calls a space: they differ), and the words of two refusals.
import TEXT from "./answer_text.json" with { type: "json" };

export const { spaces: SPACES, negative: NEGATIVE, not_finite: NOT_FINITE } = TEXT;
// SPACES inside a [...] of a pattern
const SP = Array.from(SPACES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const NUMBER = /^[+-]?[0-9]{1,15}$/;
// One way to match each text (no nested choices): a long run of digits cannot make it backtrack.
const DECIMAL = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$/;
const DIGITS = /^[0-9]+$/;
const SEPARATORS = new RegExp(`[${SP},×xX*]+`);
const ITEM_SEPARATORS = /[,×xX*]/;   // what sets numbers apart, spaces aside
const KERNEL_SEPARATORS = new RegExp(`[${SP},;]+`);
const SPACE_RUN = new RegExp(`[${SP}]+`);
const COMMA_SPACE = new RegExp(`,[${SP}]`);
const TINY = 1e-6;   // below this a response counts as 0: rounding does not decide a verdict

/** `text` without SPACES at either end (a loop: a trimming pattern can backtrack). */
export function strip(text) {
  let start = 0;
  let end = text.length;
  while (start < end && SPACES.includes(text[start])) start++;
  while (end > start && SPACES.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The typed text with compatibility forms folded, "−" as "-", no torch.Size(...), no brackets,
 * no spaces around. */
export function cleanText(text) {
  let t = strip(String(text).normalize("NFKC").replaceAll("−", "-"));
  const call = /^torch\.(Size|tensor)\(([\s\S]*)\)$/.exec(t);
  if (call) t = call[2];
  return strip(t.replace(/[()[\]]/g, " "));
}

class Unreadable extends Error {
  constructor(values = null, items = null) {
    super("unreadable");
    this.values = values;
    // "1 168" or "16 384, 147 456": the digit groups of each number the answer sets apart
    // otherwise (by commas), where a space may group thousands or separate numbers
    this.items = items;
  }
}

/** The anchored pattern of a word the answer starts with, right before its number ("column 5",
 * "COL 5", "col5"), in any case of its ASCII letters. */
function wordPattern(words) {
  const longest = [...words].sort((a, b) => b.length - a.length);   // "column" before "col"
  const either = longest.map((w) => Array.from(w, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join(""))
    .join("|");
  return new RegExp(`^(?:${either})[${SP}]*(?=[+-]?[0-9])`);
}

/** A unit word right after a number ("2 px", "2Pixels"), in any case of its ASCII letters. */
function unitPattern(units) {
  const words = [...units].sort((a, b) => b.length - a.length);   // "pixels" before "pixel"
  const either = words.map((w) => Array.from(w, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join(""))
    .join("|");
  return new RegExp(`([0-9])[${SP}]*(?:${either})(?![A-Za-z])`, "g");
}

/** The digit groups of "1 168" or "12 345 678"; null for any other text. */
function spacedGroups(text) {
  const groups = text.split(SPACE_RUN);
  if (groups.length < 2 || !groups.every((g) => DIGITS.test(g))) return null;
  const [first, ...rest] = groups;
  if (first.length > 3 || first[0] === "0" || rest.some((g) => g.length !== 3)) return null;
  return groups;
}

/** Throw for "16 384, 147 456": as many numbers as the answer has, set apart by commas (or ×),
 * one of them digit groups split by spaces. */
function spacedItems(text, spec) {
  const items = text.split(ITEM_SEPARATORS).map(strip);
  const wanted = spec.kind === "side" ? [1, 2] : [spec.length];
  if (items.length < 2 || !wanted.includes(items.length)) return;
  const spaced = items.map(spacedGroups);
  if (spaced.some((g) => g !== null) && spaced.every((g, i) => g !== null || DIGITS.test(items[i]))) {
    throw new Unreadable(null, spaced.map((g, i) => g ?? [items[i]]));
  }
}

/** Whole numbers typed as "24", "(8, 16, 112, 112)", "24×24" or "24 x 24"; "2 px" and
 * "2 pixels" where the answer is a length (`units`), "column 5" where a word may lead
 * (`words`). Commas before three digits group thousands ("1,168") when the answer is one
 * number, or when ", " separates the numbers ("(27,648, 50,176)"). "1 168", where one number
 * would do, is ambiguous, and so is "16 384, 147 456" where a pair would. */
function readNumbers(text, spec) {
  let t = cleanText(text);
  if (spec.words) t = t.replace(wordPattern(spec.words), "");
  if (spec.units) t = t.replace(unitPattern(spec.units), "$1");
  const groups = spacedGroups(t);
  if (groups !== null && (spec.kind === "number" || spec.kind === "side")) throw new Unreadable(null, [groups]);
  if (spec.kind === "number" || COMMA_SPACE.test(t)) t = t.replace(/([0-9]),(?=[0-9]{3}(?![0-9]))/g, "$1");
  if (spec.kind === "side" || spec.kind === "shape") spacedItems(t, spec);
  const parts = t.split(SEPARATORS).filter((p) => p !== "");
  if (parts.length === 0 || !parts.every((p) => NUMBER.test(p))) throw new Unreadable();
  return parts.map((p) => Number.parseInt(p, 10) + 0);   // + 0: no "-0"
}

function normalise(spec, text) {
  let values = readNumbers(text, spec);
  if (spec.kind === "number") {
    if (values.length !== 1) throw new Unreadable(values);
    return values[0];
  }
  if (spec.kind === "side") {
    if (values.length !== 1 && values.length !== 2) throw new Unreadable(values);
    return values.length === 1 ? [values[0], values[0]] : values;
  }
  if (values.length !== spec.length) throw new Unreadable(values);
  return values;
}

const tuple = (values) => `(${values.join(", ")})`;

function shown(spec, value) {
  if (typeof value === "number") return String(value);
  if (spec.kind === "side" && value[0] === value[1]) return String(value[0]);
  return tuple(value);
}

const same = (a, b) => (Array.isArray(a) ? Array.isArray(b) && a.length === b.length
  && a.every((v, i) => v === b[i]) : a === b);

function unreadable(spec, text, values) {
  if (values) return `${spec.ask}, not ${values.length === 1 ? values[0] : tuple(values)}`;
  const typed = strip(String(text));
  return typed ? `${spec.ask}, not "${typed}"` : `${spec.ask}.`;
}

/** What to say to "1 168" or "16 384, 147 456": each could be one number or several, so say
 * how to write each. */
function ambiguous(spec, items) {
  const typed = items.map((groups) => groups.join(" ")).join(", ");
  let message = `${typed}: a space may group thousands or separate numbers. Write `;
  if (items.length === 1) {
    const groups = items[0];
    message += `${groups.join("")} or ${groups.join(",")} for one number`;
    if (spec.kind === "side" && groups.length === 2) message += `, (${groups[0]}, ${groups[1]}) for a pair`;
  } else {
    const plain = items.map((groups) => groups.join("")).join(", ");
    const commas = items.map((groups) => groups.join(",")).join(", ");
    const numbers = items.length === 2 ? "a pair" : `${items.length} numbers`;
    message += `(${plain}) or (${commas}) for ${numbers}`;
  }
  return message + ".";
}

function sentence(hints) {
  const message = hints.join("; ");
  return message[0].toUpperCase() + message.slice(1) + ".";
}

/** The 3×3 kernel typed as nine numbers (brackets, commas, semicolons or spaces between). */
function readKernel(text) {
  const tokens = cleanText(text).split(KERNEL_SEPARATORS).filter((t) => t !== "");
  if (tokens.length === 0 || !tokens.every((t) => DECIMAL.test(t))) throw new Unreadable();
  if (tokens.length !== 9) return { count: tokens.length };
  const v = tokens.map(Number);
  return { kernel: [v.slice(0, 3), v.slice(3, 6), v.slice(6, 9)] };
}

/** The valid (unpadded) convolution of a probe image with a 3×3 kernel, as F.conv2d. */
function probe(kernel, image) {
  const out = [];
  for (let i = 0; i + 3 <= image.length; i++) {
    for (let j = 0; j + 3 <= image[0].length; j++) {
      let sum = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += image[i + a][j + b] * kernel[a][b];
      out.push(sum);
    }
  }
  return out;
}

const TESTS = {
  zero: (values) => Math.max(...values.map(Math.abs)) <= TINY,
  positive: (values) => Math.max(...values) > TINY,
  "not positive": (values) => Math.max(...values) <= TINY,
};

function kernelVerdict(spec, text) {
  let read;
  try {
    read = readKernel(text);
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    return { ok: false, message: unreadable(spec, text, null) };
  }
  if (read.kernel === undefined) {
    return { ok: false, message: `the kernel should be 3×3: nine numbers, row by row (got ${read.count} numbers)` };
  }
  if (!read.kernel.flat().every(Number.isFinite)) return { ok: false, message: NOT_FINITE };
  const responses = spec.probes.map(([image]) => probe(read.kernel, spec.images[image]));
  if (!responses.flat().every(Number.isFinite)) return { ok: false, message: NOT_FINITE };
  for (const [i, [, test, hint]] of spec.probes.entries()) {
    if (!TESTS[test](responses[i])) return { ok: false, message: hint };
  }
  return { ok: true, message: spec.right };
}

/** What the checker says to the typed `text`: {ok, message}, as coursecode.checks.verdict. */
export function verdict(spec, text) {
  if (spec.kind === "kernel") return kernelVerdict(spec, text);
  let value;
  try {
    value = normalise(spec, text);
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    if (err.items) return { ok: false, message: ambiguous(spec, err.items) };
    return { ok: false, message: unreadable(spec, text, err.values) };
  }
  if (Math.min(...(Array.isArray(value) ? value : [value])) < 0) {
    return { ok: false, message: `${NEGATIVE}: ${shown(spec, value)} cannot be it.` };
  }
  if (same(value, spec.answer)) return { ok: true, message: spec.right };
  for (const [wrong, hint] of spec.wrong ?? []) {
    if (same(value, wrong)) return { ok: false, message: hint };
  }
  const sorted = (values) => [...values].sort((a, b) => a - b);
  if (spec.order && same(sorted(value), sorted(spec.answer))) return { ok: false, message: spec.order };
  const hints = [];
  for (const [positions, hint, specific] of spec.parts ?? []) {
    const got = positions.map((i) => value[i]);
    if (!same(got, positions.map((i) => spec.answer[i]))) {
      const match = specific.find(([values]) => same(values, got));
      hints.push(match ? match[1] : hint);
    }
  }
  if (hints.length) return { ok: false, message: sentence(hints) };
  return { ok: false, message: (spec.otherwise ?? "{answer} is not it.").replace("{answer}", shown(spec, value)) };
}
