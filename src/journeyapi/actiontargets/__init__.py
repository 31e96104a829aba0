"""Action targets: read, list, update, and (as an extension) provision."""
