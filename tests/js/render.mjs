// Renders a Portable Text array (stdin) with the official renderer and no custom components for the text types.
// A missing component for a text style, list, list item or mark is an error: the body must render as it is.
// Our custom block types (image, code, ...) are expected to be missing here: a frontend supplies those, such as
// ours in components/ (render-components.mjs renders with them).
import { toHTML } from "@portabletext/to-html";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const blocks = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const missing = [];
const html = toHTML(blocks, {
  components: { types: {} },
  onMissingComponent: (message, { nodeType }) => {
    if (nodeType !== "block") missing.push(message);
  },
});
if (missing.length > 0) {
  process.stderr.write(missing.join("\n") + "\n");
  process.exit(1);
}
process.stdout.write(html);
