"""Many papers at once: the parallel corpus, evaluation, Korean digests and batch translation.

These modules sit *on top of* the single-paper pipeline and talk to it through two seams only:

* a translate output folder (``report.json`` + ``segments.jsonl``, read by :mod:`.outputs`), and
* :func:`arxiv_translator.pipeline.run` with a :class:`~arxiv_translator.pipeline.Job` (used by :mod:`.batch`).

    outputs.py    read translate output folders (one paper, or a batch folder of them)
    corpus.py     ``corpus``: segments of many outputs -> one Parquet / JSONL parallel corpus
    evaluate.py   ``eval``: chrF / BLEU (sacrebleu) and fidelity figures against a reference
    digest*.py    ``digest``: seed-004 style Korean digests, one structured-output request per paper
    batch*.py     ``batch``: many papers on one machine, resumable, one arXiv throttle and one memory
    cli.py        the subcommands, added to the main parser by one call
"""
