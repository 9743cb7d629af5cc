// AnswerBox's drawing: a text box under an exercise. Enter checks the answer with verdict()
// from checks.js (which Python puts in front of this file), so it works on the static book
// page. A right answer is remembered in this browser (localStorage) until a wrong one replaces
// it, and judged again on the next visit; the line under the lesson's title counts the boxes
// whose latest answer is right and names the exercises that have no box.

import { verdict } from "./checks.js";

const STORE = "convolutions-course/answered";
const BOX_MODEL = "coursecode.exercises.AnswerBox";   // the _anywidget_id of AnswerBox's models
const EXERCISE = /^Exercise (\d+)\.$/;
const DROPPED = "An answer saved on an earlier visit is not right for this question as it is "
  + "now, so it was dropped. Answer it again.";

function storage() {
  try {
    return window.localStorage;   // absent, or refused (a private window, a file:// page)
  } catch {
    return null;
  }
}

const key = (spec, name) => `${STORE}/${spec.lesson}/${name}`;

function remembered(spec, name) {
  try {
    return storage()?.getItem(key(spec, name)) ?? null;
  } catch {
    return null;
  }
}

function remember(spec, name, text) {
  try {
    storage()?.setItem(key(spec, name), text);
  } catch {
    // full or refused: the box still works, it only forgets
  }
}

function forget(spec, name) {
  try {
    storage()?.removeItem(key(spec, name));
  } catch {
    // refused: nothing was stored either
  }
}

/** The verdict, or "not right" if the checker cannot judge the text at all. */
function judged(spec, text) {
  try {
    return verdict(spec, String(text));
  } catch {
    return { ok: false, message: "" };
  }
}

let boxModels = null;   // the ids of the page's answer-box models, read once per page

/** The page's answer boxes, drawn or not yet: the widget views the page embeds whose model is
 * an AnswerBox (so the count is right before every box has drawn itself). */
function boxSlots() {
  if (boxModels === null) {
    boxModels = new Set();
    for (const script of document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')) {
      try {
        for (const [id, model] of Object.entries(JSON.parse(script.textContent).state ?? {})) {
          if (model?.state?._anywidget_id === BOX_MODEL) boxModels.add(id);
        }
      } catch {
        // not a state this code can read: the drawn boxes are counted instead
      }
    }
  }
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
    .filter((script) => {
      try {
        return boxModels.has(JSON.parse(script.textContent).model_id);
      } catch {
        return false;
      }
    });
  return views.length ? views : Array.from(document.querySelectorAll(".answer-box"));
}

/** The page's exercises: each paragraph that starts with a bold "Exercise N.", and its N. */
function exercises(root) {
  return Array.from(root.querySelectorAll("p > strong:first-child"))
    .filter((strong) => EXERCISE.test(strong.textContent.trim())
      && strong.parentElement.textContent.trimStart().startsWith(strong.textContent))
    .map((strong) => ({ number: EXERCISE.exec(strong.textContent.trim())[1], paragraph: strong.parentElement }));
}

const before = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);

/** "Exercise 4", "Exercises 3 and 5", "Exercises 2, 3 and 5". */
function named(numbers) {
  if (numbers.length === 1) return `Exercise ${numbers[0]}`;
  return `Exercises ${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`;
}

/** What the line under the title says: how many of the page's answer boxes are answered right,
 * and which exercises have no box (their answer is code or words: their solution checks it). */
function progressText(done, boxes, exerciseNumbers, boxed) {
  const without = exerciseNumbers.filter((n) => !boxed.has(n));
  if (without.length === 0 && boxes === exerciseNumbers.length) {
    return `${done} of ${boxes} exercises answered right.`;
  }
  let text = `${done} of ${boxes} answer boxes answered right.`;
  if (without.length === 1) {
    text += ` ${named(without)} has no box: compare your answer with its solution.`;
  } else if (without.length > 1) {
    text += ` ${named(without)} have no box: compare your answers with their solutions.`;
  }
  return text;
}

/** The line under the lesson's title: "Check yourself: 2 of 3 answer boxes answered right.
 * Exercise 4 has no box: ...". */
function showProgress() {
  const root = document.querySelector(".bd-article") ?? document.querySelector("article");
  const title = root?.querySelector("h1");
  if (!title) return;   // not a book page (JupyterLab, Colab): no title to put it under
  const slots = boxSlots();
  const found = exercises(root);
  const boxed = new Set();
  for (const slot of slots) {
    const owner = found.filter((exercise) => before(exercise.paragraph, slot)).at(-1);
    if (owner) boxed.add(owner.number);
  }
  const done = document.querySelectorAll('.answer-box[data-answered="yes"]').length;
  let line = document.querySelector(".answer-progress");
  if (!line) {
    line = document.createElement("p");
    line.className = "answer-progress";
    line.setAttribute("aria-live", "polite");
    const section = found[0]?.paragraph.closest("section[id]");
    const start = document.createElement(section ? "a" : "span");
    start.textContent = "Check yourself";
    if (section) start.href = `#${section.id}`;
    line.append(start, document.createTextNode(""));
    title.insertAdjacentElement("afterend", line);
  }
  const text = `: ${progressText(done, slots.length, found.map((e) => e.number), boxed)}`;
  if (line.lastChild.textContent !== text) line.lastChild.textContent = text;
}

/** The solution that follows `el` in the page: a dropdown admonition, or a <details> whose
 * summary says "Solution" (a notebook's view of one). */
function solutionAfter(el) {
  const all = Array.from(document.querySelectorAll(".admonition.dropdown, details"))
    .filter((node) => node.tagName !== "DETAILS" || /solution/i.test(node.querySelector("summary")?.textContent ?? ""));
  return all.find((node) => el.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING
    && !node.contains(el)) ?? null;
}

function render({ model, el }) {
  const spec = model.get("spec");
  const name = model.get("name");
  el.classList.add("answer-box");
  el.dataset.check = name;
  const form = document.createElement("form");
  const label = document.createElement("label");
  label.textContent = "Your answer: ";
  const input = document.createElement("input");
  input.type = "text";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-label", `Your answer: ${spec.question}`);
  label.appendChild(input);
  const check = document.createElement("button");
  check.type = "submit";
  check.textContent = "check";
  const reveal = document.createElement("button");
  reveal.type = "button";
  reveal.textContent = "show solution";
  form.append(label, check, reveal);
  const feedback = document.createElement("p");
  feedback.className = "answer-feedback";
  feedback.setAttribute("role", "status");
  el.append(form, feedback);

  const judge = (text) => {
    const { ok, message } = verdict(spec, text);
    feedback.textContent = `${ok ? "✓" : "✗"} ${message}`;
    feedback.className = `answer-feedback ${ok ? "answer-right" : "answer-wrong"}`;
    el.dataset.verdict = ok ? "right" : "wrong";
    return ok;
  };
  const submit = () => {
    model.set("answer", input.value);
    model.save_changes();   // only sends to Python when a kernel is connected
    // The box counts, and its answer is remembered, only while its latest verdict is right: a
    // right answer checked again as something wrong is no longer answered, here or later.
    if (judge(input.value)) {
      el.dataset.answered = "yes";
      remember(spec, name, input.value);
    } else {
      delete el.dataset.answered;
      forget(spec, name);
    }
    showProgress();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  // Enter checks the answer itself: JupyterLab's notebook takes Enter for its own commands
  // before a form would see it.
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    event.stopPropagation();
    submit();
  });
  reveal.addEventListener("click", () => {
    const solution = solutionAfter(el);
    if (solution === null) return;
    if (solution.tagName === "DETAILS") {
      solution.open = true;
    } else {
      // sphinx-togglebutton hides it with a class; its title is what toggles it
      if (solution.classList.contains("toggle-hidden")) solution.querySelector(".admonition-title")?.click();
    }
    solution.scrollIntoView({ block: "nearest" });
  });

  // A remembered answer counts only if today's checker judges it right: the question may have
  // changed since it was saved. One that is not is dropped, and the box says so.
  const saved = remembered(spec, name);
  if (saved !== null && judged(spec, saved).ok) {
    input.value = saved;
    el.dataset.answered = "yes";
    judge(saved);
  } else if (saved !== null) {
    forget(spec, name);
    feedback.textContent = DROPPED;
    feedback.className = "answer-feedback answer-note";
    el.dataset.stored = "dropped";
  }
  showProgress();
}

export default { render };
