// A frontend's first program against the live API, typed by openapi-typescript from /openapi.json:
// the seed article, the listing, a `fields=` selection, the Portable Text format and a problem response.
// No casts: the types must be true enough to use as they are. tests/openapi/test_typescript_client.py runs it:
//   npx openapi-typescript <server>/openapi.json -o build/schema.d.ts
//   npx tsc --project client && node build/client/client/seed.js <server>
import createClient from "openapi-fetch";
import type { components, paths } from "../build/schema.js";

type Section = components["schemas"]["Section"];
type AnyArticle = components["schemas"]["Article"] | components["schemas"]["PortableTextArticle"] | components["schemas"]["ArticleFields"];

const SLUG = "ketamine-and-depression-how-it-may-help-you";
const TITLE = "Ketamine And Depression: How It May Help You";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function sectionsOf(article: AnyArticle): Section[] {
  check(!("body" in article), "expected the JSON format, got Portable Text");
  check(article.sections !== undefined, "expected sections");
  return article.sections;
}

const baseUrl = process.argv[2];
check(baseUrl !== undefined, "usage: node seed.js <server URL>");
// JSON responses (problems too) only: the html, markdown and text formats would be a client with `text/${string}`.
const api = createClient<paths, `application/${string}json`>({ baseUrl });
const results: Record<string, unknown> = {};

// The seed article, as JSON: its sections and their blocks, every block with its id.
{
  const { data, error } = await api.GET("/api/v1/articles/{slug}", { params: { path: { slug: SLUG } } });
  check(error === undefined && data !== undefined, "the seed article is served");
  check(data.title === TITLE, `title: ${data.title}`);
  const sections = sectionsOf(data);
  const ids: string[] = sections.flatMap((section) => section.blocks.map((block) => block.id));
  const first = sections[0]?.blocks[0];
  check(first !== undefined && first.type === "paragraph", "the first block is a paragraph");
  results.article = {
    anchors: sections.map((section) => section.anchor),
    blocks: ids.length,
    firstWords: first.spans.map((span) => span.text).join("").split(" ").slice(0, 4),
  };
}

// The listing: summaries, without sections.
{
  const { data, error } = await api.GET("/api/v1/articles", { params: { query: { limit: 10 } } });
  check(error === undefined && data !== undefined, "the listing is served");
  const slugs: string[] = [];
  for (const item of data.items) {
    check(!("sections" in item), "a summary has no sections");
    check(item.slug !== undefined, "a summary has its slug");
    slugs.push(item.slug);
  }
  results.listing = { slugs, next_cursor: data.next_cursor };
}

// `fields=`: only the fields asked for.
{
  const query = { fields: "title,summary" };
  const { data, error } = await api.GET("/api/v1/articles/{slug}", { params: { path: { slug: SLUG }, query } });
  check(error === undefined && data !== undefined, "fields= is served");
  results.fields = { keys: Object.keys(data).sort(), title: data.title };
}

// Portable Text: the standard blocks, each with its key.
{
  const { data, error } = await api.GET("/api/v1/articles/{slug}", {
    params: { path: { slug: SLUG }, query: { format: "portable-text" } },
  });
  check(error === undefined && data !== undefined && "body" in data, "portable-text is served");
  const styles = data.body.map((node) => (node._type === "block" ? node.style : node._type));
  results.portableText = { nodes: data.body.length, styles: [...new Set(styles)].sort() };
}

// A problem: typed as the Problem schema.
{
  const { data, error, response } = await api.GET("/api/v1/articles/{slug}", {
    params: { path: { slug: "no-such-article" } },
  });
  check(data === undefined && error !== undefined, "an unknown slug is a problem");
  results.problem = { status: response.status, title: error.title, problemStatus: error.status };
}

console.log(JSON.stringify(results));
