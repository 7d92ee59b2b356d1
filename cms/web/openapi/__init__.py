"""The OpenAPI 3.1 document of the API, and its offline docs page."""
