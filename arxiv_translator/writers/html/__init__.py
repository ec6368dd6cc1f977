"""The Korean HTML writer: the translated arXiv page, localised labels, sanitising, offline assets."""
