"""The editor's form as a browser sends it: read from the page's HTML by the rules browsers follow.

Fields outside the form that name it in their `form` attribute are the form's too. A text box's value loses its
line breaks, a text area's first line break right after its tag is not part of its value, a checkbox or radio
button is sent only when checked, a select sends its selected option (else its first); buttons, files and what is
inside a <template> are not sent. The HTML parser of the standard library does the parsing.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode

import httpx


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # inside the form when > 0
        self.in_template = 0
        self.pairs: list[tuple[str, str]] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "template":
            self.in_template += 1
        if tag == "form" and (a.get("id") == self.form_id or "data-keep-text" in a):
            self.depth = 1
            return
        owned = self.depth or a.get("form") == self.form_id  # inside it, or given to it by its form attribute
        if not owned or self.in_template:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type", "text") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            else:
                self.pairs.append((name, a.get("value", "").replace("\n", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1
        if tag == "form":
            self.depth = 0
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            self.pairs.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, parts = self._option
            self._select[1].append((value if value is not None else "".join(parts), selected))
            self._option = None
        if tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            self.pairs += [(name, value) for value in chosen[:1]]
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[2].append(data)


def form_pairs(page: httpx.Response | str, form_id: str = "editor") -> list[tuple[str, str]]:
    """The fields of the form `form_id` (or the editor's form, marked `data-keep-text`) as a browser would send
    them, in order."""
    text = page if isinstance(page, str) else page.text
    reader = _FormReader(form_id)
    reader.feed(text.replace("\r\n", "\n").replace("\r", "\n"))  # what a browser's HTML parser does first
    reader.close()
    return [(name, value.replace("\r\n", "\n").replace("\n", "\r\n")) for name, value in reader.pairs]


def form_dict(page: httpx.Response | str, form_id: str = "editor") -> dict[str, str]:
    return dict(form_pairs(page, form_id))


async def send(client: httpx.AsyncClient, url: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """POST the pairs as application/x-www-form-urlencoded, in their order (names may repeat)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return await client.post(url, content=urlencode(pairs).encode(), headers=headers)
