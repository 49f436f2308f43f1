"""Data releases as users see them: the release line, pinning and provenance columns."""
