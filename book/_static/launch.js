// The JupyterHub route of a lesson's launch menu, and the link maker of the "Teach with it"
// page: an nbgitpuller link that copies the course's repository into the reader's account on
// a JupyterHub and opens the lesson's notebook there. The reader types the hub's address once;
// it is remembered in this browser (localStorage). A teacher's fork may name the class's hub
// in _config.yml (launch_buttons.jupyterhub_url): the dialog then offers it first.
//
// The page says what to open in <meta> tags (book/_ext/course_repository.py): the
// repository, its branch and the notebook's path in it. Node imports this module in the tests:
// without a document it only exports its functions.

export const STORE = "convolutions-course/jupyterhub";

// A hub's address as the reader may type it ("hub.example.edu", "https://hub.example.edu/",
// "https://example.edu/jupyter/hub/home") -> { hub: "https://hub.example.edu" } (the hub's
// base URL, without /hub/...), or { error: "what is wrong" }.
export function hubAddress(text) {
  const typed = String(text ?? "").trim();
  if (typed === "") {
    return { error: "Type your JupyterHub's address, such as https://hub.example.edu." };
  }
  if (/\s/.test(typed)) {
    return { error: "An address has no spaces." };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : `https://${typed}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    return { error: `"${typed}" is not a web address.` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { error: "A hub's address starts with https:// (or http://)." };
  }
  if (!url.hostname.includes(".") && url.hostname !== "localhost") {
    return { error: `"${url.hostname}" is not a full host name, such as hub.example.edu.` };
  }
  const path = url.pathname.replace(/\/hub(\/.*)?$/, "").replace(/\/(lab|tree|user)(\/.*)?$/, "");
  return { hub: `${url.origin}${path}`.replace(/\/+$/, "") };
}

// nbgitpuller's link: on `hub`, pull `repository` (https://github.com/owner/name) at `branch`
// into the folder `name`, then open `notebook` (its path in the repository) in JupyterLab.
export function nbgitpullerLink(hub, repository, branch, notebook) {
  const name = repository.replace(/\/+$/, "").split("/").pop();
  const query = [
    ["repo", repository],
    ["urlpath", `lab/tree/${name}/${notebook}`],
    ["branch", branch],
  ].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
  return `${hub}/hub/user-redirect/git-pull?${query}`;
}

function storage() {
  try {
    return window.localStorage;   // absent, or refused (a private window, a file:// page)
  } catch {
    return null;
  }
}

function rememberedHub(fallback) {
  try {
    return storage()?.getItem(STORE) || fallback;
  } catch {
    return fallback;
  }
}

function rememberHub(hub) {
  try {
    if (hub) {
      storage()?.setItem(STORE, hub);
    } else {
      storage()?.removeItem(STORE);
    }
  } catch {
    // full or refused: the link still opens, it is only not remembered
  }
}

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// The dialog that asks for the hub: one text box, "Open the lesson", "Cancel", and "Forget
// this address" when one is remembered.
function hubDialog(lesson) {
  const input = element("input", {
    type: "text", id: "course-hub-address", name: "hub", inputmode: "url",
    autocomplete: "url", spellcheck: "false", placeholder: "https://hub.example.edu",
  });
  const problem = element("p", { class: "course-hub-problem", role: "alert" });
  const forget = element("button", { type: "button", class: "course-hub-forget" },
    "Forget this address");
  const form = element("form", { method: "dialog" },
    element("h2", { id: "course-hub-title" }, "Open this lesson on a JupyterHub"),
    element("p", {}, "Your hub copies the course into your account (with nbgitpuller) and "
      + "opens this lesson. The address is remembered in this browser."),
    element("label", { for: "course-hub-address" }, "Your JupyterHub's address"),
    input, problem,
    element("div", { class: "course-hub-buttons" },
      element("button", { type: "submit", value: "open" }, "Open the lesson"),
      element("button", { type: "button", class: "course-hub-cancel" }, "Cancel"),
      forget));
  const dialog = element("dialog", { class: "course-hub-dialog",
    "aria-labelledby": "course-hub-title" }, form);
  form.addEventListener("submit", (event) => {
    const { hub, error } = hubAddress(input.value);
    if (error) {
      event.preventDefault();
      problem.textContent = error;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    rememberHub(hub);
    window.open(nbgitpullerLink(hub, lesson.repository, lesson.branch, lesson.notebook),
      "_blank", "noopener");
  });
  dialog.querySelector(".course-hub-cancel").addEventListener("click", () => dialog.close());
  forget.addEventListener("click", () => {
    rememberHub("");
    input.value = lesson.hub;
    forget.hidden = true;
    input.focus();
  });
  document.body.append(dialog);
  return {
    open() {
      const stored = rememberedHub("");
      input.value = stored || lesson.hub;
      forget.hidden = !stored;
      problem.textContent = "";
      input.removeAttribute("aria-invalid");
      dialog.showModal();
      input.focus();
    },
  };
}

// The "Teach with it" page: type a hub's address, get the link of every lesson. The form is
// hidden until this runs: without JavaScript the page shows no control that does nothing.
function linkMaker(form, site) {
  const input = form.querySelector("input");
  const list = form.querySelector("ol");
  const problem = form.querySelector(".course-hub-problem");
  const items = site.lessons.map(({ title, notebook }) => {
    const code = element("code");
    list.append(element("li", { "data-notebook": notebook }, `${title}: `, code));
    return { code, notebook };
  });
  const show = () => {
    const { hub, error } = hubAddress(input.value);
    problem.textContent = input.value.trim() === "" ? "" : (error ?? "");
    for (const { code, notebook } of items) {
      code.textContent = hub ? nbgitpullerLink(hub, site.repository, site.branch, notebook) : "";
    }
    list.hidden = !hub;
    if (hub) {
      rememberHub(hub);
    }
  };
  input.value = rememberedHub(site.hub);
  input.addEventListener("input", show);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.hidden = false;
  show();
}

function setUp() {
  const site = {
    repository: meta("course-repository"), branch: meta("course-branch"), hub: meta("course-hub"),
  };
  if (!site.repository) {
    return;   // a build that names no repository has no launch menu and no link maker
  }
  const link = document.querySelector("a.btn-launch-jupyterhub");
  if (link) {
    const lesson = { ...site, notebook: meta("course-notebook") };
    let dialog = null;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      dialog ??= hubDialog(lesson);
      dialog.open();
    });
  }
  const lessons = meta("course-lessons");
  for (const form of document.querySelectorAll("form.course-link-maker")) {
    linkMaker(form, { ...site, lessons: lessons ? JSON.parse(lessons) : [] });
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}
