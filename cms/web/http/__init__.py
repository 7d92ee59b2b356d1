"""HTTP plumbing every route shares: parameters, bodies, preconditions, caching, problems, auth,
CORS, request ids, observation, the server protocol, the fast path and uploads."""
