"""The API's resources: each module's routes, from request to one service call and back."""
