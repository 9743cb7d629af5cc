// ESLint for the course's own JavaScript (the explorers, the answer boxes, the launch menu):
// `npx eslint .` (.ci/run runs it beside ruff). The files are ES modules that import what
// they use from one another; coursecode/explorers/_base.py bundles each widget's into one.
import js from "@eslint/js";
import globals from "globals";

const rules = {
  "no-undef": "error",
  "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
  "no-redeclare": "error",
};

export default [
  {
    // Third-party files (book/vendored/), the tests' packages, and what the build writes.
    ignores: ["book/vendored/**", "node_modules/**", "_build/**", "**/.ipynb_checkpoints/**"],
  },
  js.configs.recommended,
  {
    files: ["coursecode/static/*.js", "coursecode/explorers/*.js", "book/_static/launch.js", "eslint.config.js"],
    // 2025: import attributes (`import TEXT from "./answer_text.json" with { type: "json" }`)
    languageOptions: { ecmaVersion: 2025, sourceType: "module", globals: globals.browser },
    rules,
  },
  {
    // Classic scripts the book loads before the widget manager (not modules).
    files: ["book/_static/widgets/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, require: "readonly", define: "readonly" },  // require.js's
    },
    rules,
  },
];
