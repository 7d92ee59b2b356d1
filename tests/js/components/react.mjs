// Components for @portabletext/react that render every block type and mark of the CMS's `format=portable-text`,
// with the elements the CMS's own `format=html` uses (several marks on one span may nest in another order).
// Plain ESM without JSX (no build step); in a .jsx file write the same as JSX.
//
//   import { PortableText } from "@portabletext/react";
//   import { portableTextComponents } from "./components/react.mjs";
//   const components = portableTextComponents({ baseUrl: "https://cms.example.com" });
//   <PortableText value={article.body} components={components} />
//
// `baseUrl` is prefixed to uploaded images' `url` (a path on the CMS); `imageWidths` must match CMS_IMAGE_WIDTHS.
import { createElement as h, Fragment } from "react";

import { DEFAULT_IMAGE_WIDTHS, imageUrl, spansBlock, srcset } from "./shared.mjs";

/**
 * @param {{ baseUrl?: string, imageWidths?: number[] }} [options]
 * @returns {import("@portabletext/react").PortableTextComponents}
 */
export function portableTextComponents({ baseUrl = "", imageWidths = DEFAULT_IMAGE_WIDTHS } = {}) {
  // A callout or a table cell holds spans: they render as an inline block, through these same components.
  const inline = (spans, key, renderNode) =>
    renderNode({ node: spansBlock(spans, key), index: 0, isInline: true, renderNode });

  return {
    block: {
      normal: ({ children, isInline }) => (isInline ? h(Fragment, null, children) : h("p", null, children)),
      // The attribution of a quotation goes outside the <blockquote>, in the figure's caption (HTML standard).
      blockquote: ({ children, value }) => {
        const quote = h("blockquote", null, h("p", null, children));
        return value.cite
          ? h("figure", null, quote, h("figcaption", null, "— ", h("cite", null, value.cite)))
          : quote;
      },
    },
    marks: {
      strong: ({ children }) => h("strong", null, children),
      em: ({ children }) => h("em", null, children),
      code: ({ children }) => h("code", null, children),
      underline: ({ children }) => h("u", null, children),
      "strike-through": ({ children }) => h("s", null, children),
      // The CMS accepts only http:, https:, mailto:, a path or a fragment as a link.
      link: ({ children, value }) => h("a", { href: value.href }, children),
    },
    types: {
      code: ({ value }) =>
        h("pre", null, h("code", { className: value.language ? `language-${value.language}` : undefined }, value.code)),
      image: ({ value }) => {
        const src = imageUrl(value, baseUrl);
        const responsive =
          value.url && value.width
            ? { srcSet: srcset(src, value.width, imageWidths), sizes: `(max-width: ${value.width}px) 100vw, ${value.width}px` }
            : {};
        const lazy = value.url ? { loading: "lazy", decoding: "async" } : {};
        const img = h("img", { src, ...responsive, alt: value.alt, width: value.width, height: value.height, ...lazy });
        return h("figure", null, img, value.caption ? h("figcaption", null, value.caption) : null);
      },
      // A link, not an <iframe>: which providers to frame, and how to sandbox them, is the site's decision.
      embed: ({ value }) => h("figure", { className: "embed" }, h("a", { href: value.url }, value.title || value.url)),
      callout: ({ value, renderNode }) =>
        h(
          "aside",
          { className: `callout callout-${value.tone}`, role: "note" },
          h("p", null, inline(value.spans, value._key, renderNode)),
        ),
      divider: () => h("hr"),
      table: ({ value, renderNode }) => {
        const row = (cells, r, tag) =>
          h(
            "tr",
            { key: r },
            cells.map((cell, c) => h(tag, { key: c }, inline(cell, `${value._key}.${r}.${c}`, renderNode))),
          );
        const head = value.header_row ? value.rows.slice(0, 1) : [];
        const body = value.header_row ? value.rows.slice(1) : value.rows;
        return h(
          "table",
          null,
          head.length ? h("thead", null, row(head[0], 0, "th")) : null,
          body.length ? h("tbody", null, body.map((cells, r) => row(cells, r + head.length, "td"))) : null,
        );
      },
      // Cleaned by the CMS's allow-list sanitiser when it was saved: written as it is, in a <div>, since React
      // can only set inner HTML on an element.
      html: ({ value }) => h("div", { className: "html", dangerouslySetInnerHTML: { __html: value.html } }),
    },
  };
}
