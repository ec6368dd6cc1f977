"""Translation core: batching and retries, the translation memory, validation of answers, style and glossary."""
