"""Where a paper comes from: arXiv ids and the polite client, archives, single files, the choice of source."""
