"""The API's resources: each module's handlers, from request to one service call and back, and their operations
(cms.web.operations.Operation); cms.web.api.index lists them all."""
