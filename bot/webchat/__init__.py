"""The web chat's own state in the core: anonymous browser sessions and their conversation."""
