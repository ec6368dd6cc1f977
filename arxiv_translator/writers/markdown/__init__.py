"""The Korean Markdown writer: the document model rendered as Markdown."""
