"""HTTP: routes, middleware and the mapping of domain errors to problem+json. `app.py` wires it together."""
