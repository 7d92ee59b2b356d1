// Components for @portabletext/to-html that render every block type and mark of the CMS's `format=portable-text`,
// with the elements the CMS's own `format=html` uses (several marks on one span may nest in another order).
// Plain ESM, no build step.
//
//   import { toHTML } from "@portabletext/to-html";
//   import { portableTextComponents } from "./components/to-html.mjs";
//   const components = portableTextComponents({ baseUrl: "https://cms.example.com" });
//   const html = toHTML(article.body, { components });
//
// `baseUrl` is prefixed to uploaded images' `url` (a path on the CMS); `imageWidths` must match CMS_IMAGE_WIDTHS.
import { DEFAULT_IMAGE_WIDTHS, imageUrl, spansBlock, srcset } from "./shared.mjs";

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** Escapes text and attribute values (to-html's own `escapeHTML` also turns double spaces into &nbsp;). */
export const escape = (value) => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);

const attributes = (pairs) =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined && value !== null && value !== "" && value !== false)
    .map(([name, value]) => ` ${name}="${escape(value)}"`)
    .join("");

/**
 * @param {{ baseUrl?: string, imageWidths?: number[] }} [options]
 * @returns {import("@portabletext/to-html").PortableTextComponents}
 */
export function portableTextComponents({ baseUrl = "", imageWidths = DEFAULT_IMAGE_WIDTHS } = {}) {
  // A callout or a table cell holds spans: they render as an inline block, through these same components.
  const inline = (spans, key, renderNode) =>
    renderNode({ node: spansBlock(spans, key), index: 0, isInline: true, renderNode });

  return {
    block: {
      normal: ({ children, isInline }) => (isInline ? children : `<p>${children}</p>`),
      // The attribution of a quotation goes outside the <blockquote>, in the figure's caption (HTML standard).
      blockquote: ({ children, value }) =>
        value.cite
          ? `<figure><blockquote><p>${children}</p></blockquote>` +
            `<figcaption>— <cite>${escape(value.cite)}</cite></figcaption></figure>`
          : `<blockquote><p>${children}</p></blockquote>`,
    },
    marks: {
      strong: ({ children }) => `<strong>${children}</strong>`,
      em: ({ children }) => `<em>${children}</em>`,
      code: ({ children }) => `<code>${children}</code>`,
      underline: ({ children }) => `<u>${children}</u>`,
      "strike-through": ({ children }) => `<s>${children}</s>`,
      // The CMS accepts only http:, https:, mailto:, a path or a fragment as a link.
      link: ({ children, value }) => `<a href="${escape(value.href)}">${children}</a>`,
    },
    types: {
      code: ({ value }) =>
        `<pre><code${attributes({ class: value.language && `language-${value.language}` })}>` +
        `${escape(value.code)}</code></pre>`,
      image: ({ value }) => {
        const src = imageUrl(value, baseUrl);
        const responsive =
          value.url && value.width
            ? { srcset: srcset(src, value.width, imageWidths), sizes: `(max-width: ${value.width}px) 100vw, ${value.width}px` }
            : {};
        const lazy = value.url ? { loading: "lazy", decoding: "async" } : {};
        const img = `<img${attributes({ src, ...responsive })} alt="${escape(value.alt)}"${attributes({ width: value.width, height: value.height, ...lazy })}>`;
        const caption = value.caption ? `<figcaption>${escape(value.caption)}</figcaption>` : "";
        return `<figure>${img}${caption}</figure>`;
      },
      // A link, not an <iframe>: which providers to frame, and how to sandbox them, is the site's decision.
      embed: ({ value }) =>
        `<figure class="embed"><a href="${escape(value.url)}">${escape(value.title || value.url)}</a></figure>`,
      callout: ({ value, renderNode }) =>
        `<aside class="callout callout-${escape(value.tone)}" role="note">` +
        `<p>${inline(value.spans, value._key, renderNode)}</p></aside>`,
      divider: () => "<hr>",
      table: ({ value, renderNode }) => {
        const row = (cells, r, tag) =>
          "<tr>" +
          cells.map((cell, c) => `<${tag}>${inline(cell, `${value._key}.${r}.${c}`, renderNode)}</${tag}>`).join("") +
          "</tr>";
        const head = value.header_row ? value.rows.slice(0, 1) : [];
        const body = value.header_row ? value.rows.slice(1) : value.rows;
        const thead = head.map((cells) => `<thead>${row(cells, 0, "th")}</thead>`).join("");
        const offset = head.length;
        const tbody = body.length ? `<tbody>${body.map((cells, r) => row(cells, r + offset, "td")).join("")}</tbody>` : "";
        return `<table>${thead}${tbody}</table>`;
      },
      // Cleaned by the CMS's allow-list sanitiser when it was saved: written as it is.
      html: ({ value }) => value.html,
    },
  };
}
