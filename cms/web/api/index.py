"""Every operation of the API, in the order the router tries them: each resource module declares its own next to
its handlers (cms.web.operations.Operation); a new module's `operations` are added here."""

from cms.web.api import articles, assets, delivery, events, listing, metrics, ops, revisions, tokens, webhooks
from cms.web.openapi import document

OPERATIONS = (
    *listing.operations,
    *delivery.operations,
    *articles.operations,
    *revisions.operations,
    *tokens.operations,
    *assets.operations,
    *events.operations,
    *webhooks.operations,
    *ops.operations,
    *metrics.operations,
    *document.operations,
)
