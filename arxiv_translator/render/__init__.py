"""Rendering helpers shared by writers: segment text to HTML or Markdown, figures."""
