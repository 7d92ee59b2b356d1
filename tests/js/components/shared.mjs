// Helpers shared by the to-html and React components: our spans as a Portable Text block, and image srcsets.
// Plain ESM, no build step: copy this folder into a frontend as it is.

/** The widths of image variants the CMS makes (CMS_IMAGE_WIDTHS); pass yours if you changed them. */
export const DEFAULT_IMAGE_WIDTHS = [320, 640, 960, 1280, 1920, 2560];

const DECORATORS = { strong: "strong", em: "em", code: "code", underline: "underline", strike: "strike-through" };

/**
 * A callout's `spans` or a table cell, `[{text, marks, href?}]`, as one Portable Text block (style `normal`),
 * built as the CMS builds its text blocks, so the renderer draws its marks and links with the same components.
 */
export function spansBlock(spans, key) {
  const markDefs = [];
  const children = spans.map((span, index) => {
    const marks = (span.marks || []).map((mark) => DECORATORS[mark] || mark);
    if (span.href) {
      const linkKey = `${key}.link${index}`;
      markDefs.push({ _type: "link", _key: linkKey, href: span.href });
      marks.push(linkKey);
    }
    return { _type: "span", _key: `${key}.${index}`, text: span.text, marks };
  });
  return { _type: "block", _key: key, style: "normal", children, markDefs };
}

/** An uploaded image's URL on the CMS: `url` is a path (`/api/v1/assets/{id}/{name}`), `src` a full https URL. */
export function imageUrl(value, baseUrl) {
  return value.url ? baseUrl + value.url : value.src;
}

/** '…/x.jpg?w=320 320w, …/x.jpg 1500w': the allowed widths below the original's, then the original itself. */
export function srcset(url, width, widths) {
  const smaller = widths.filter((w) => w < width).map((w) => `${url}?w=${w} ${w}w`);
  return [...smaller, `${url} ${width}w`].join(", ");
}
