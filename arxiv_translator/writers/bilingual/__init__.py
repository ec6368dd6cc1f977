"""The bilingual reader page: paired paragraphs, math with KaTeX, tables, figures, references."""
