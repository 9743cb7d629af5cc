// AnswerBox's drawing: a text box under an exercise. Enter checks the answer with verdict()
// from checks.js (which Python puts in front of this file), so it works on the static book
// page. A right answer is remembered in this browser (localStorage), and the lesson's title
// shows how many of the page's boxes are answered.

const STORE = "convolutions-course/answered";

function storage() {
  try {
    return window.localStorage;   // absent, or refused (a private window, a file:// page)
  } catch {
    return null;
  }
}

function remembered(spec, name) {
  try {
    return storage()?.getItem(`${STORE}/${spec.lesson}/${name}`) ?? null;
  } catch {
    return null;
  }
}

function remember(spec, name, text) {
  try {
    storage()?.setItem(`${STORE}/${spec.lesson}/${name}`, text);
  } catch {
    // full or refused: the box still works, it only forgets
  }
}

/** "2 of 4 answered" under the lesson's title, counting every answer box on the page. */
function showProgress() {
  const title = document.querySelector(".bd-article h1, article h1");
  if (!title) return;   // not a book page (JupyterLab, Colab): no title to put it under
  let line = document.querySelector(".answer-progress");
  if (!line) {
    line = document.createElement("p");
    line.className = "answer-progress";
    line.setAttribute("aria-live", "polite");
    title.insertAdjacentElement("afterend", line);
  }
  const boxes = Array.from(document.querySelectorAll(".answer-box"));
  const done = boxes.filter((box) => box.dataset.answered === "yes").length;
  line.textContent = `Check yourself: ${done} of ${boxes.length} exercises answered on this page.`;
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
    if (judge(input.value)) {
      el.dataset.answered = "yes";
      remember(spec, name, input.value);
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

  const before = remembered(spec, name);
  if (before !== null) {
    input.value = before;
    el.dataset.answered = "yes";
    judge(before);
  }
  showProgress();
}

export default { render };
