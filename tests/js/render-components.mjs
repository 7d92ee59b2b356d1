// Renders a Portable Text array (stdin) with an official renderer and our components (tests/js/components/):
// `node render-components.mjs to-html|react [baseUrl]`. Any missing component, and any warning or error the
// renderer or React prints, fails the run (exit 1, the messages on stderr); the HTML goes to stdout.
import { PortableText } from "@portabletext/react";
import { toHTML } from "@portabletext/to-html";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

import * as forReact from "./components/react.mjs";
import * as forHtml from "./components/to-html.mjs";

const [renderer, baseUrl = ""] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const blocks = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const problems = [];
console.warn = (...args) => problems.push(args.join(" "));
console.error = (...args) => problems.push(args.join(" "));
const onMissingComponent = (message) => problems.push(message);

let html;
if (renderer === "to-html") {
  html = toHTML(blocks, { components: forHtml.portableTextComponents({ baseUrl }), onMissingComponent });
} else if (renderer === "react") {
  const components = forReact.portableTextComponents({ baseUrl });
  html = renderToStaticMarkup(createElement(PortableText, { value: blocks, components, onMissingComponent }));
} else {
  problems.push(`unknown renderer ${JSON.stringify(renderer)}: use to-html or react`);
}
if (problems.length > 0) {
  process.stderr.write(problems.join("\n") + "\n");
  process.exit(1);
}
process.stdout.write(html);
