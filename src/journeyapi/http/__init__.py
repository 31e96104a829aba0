"""The HTTP edge: app factory, middleware, auth dependency, error rendering."""
