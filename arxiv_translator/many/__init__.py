"""Many papers at once: the parallel corpus, evaluation, Korean digests and batch translation.

These modules sit *on top of* the single-paper pipeline and talk to it through two seams only:

* a translate output folder (``report.json`` + ``segments.jsonl``, read by :mod:`.outputs`), and
* :func:`arxiv_translator.pipeline.run` with a :class:`~arxiv_translator.pipeline.Job` (used by :mod:`.batch`).

    outputs.py         read translate output folders (one paper, or a batch folder of them)
    corpus.py          ``corpus``: segments of many outputs -> one Parquet / JSONL parallel corpus
    evaluate.py        ``eval``: chrF / BLEU (sacrebleu) against a reference, per paper and averaged
    figures.py         fidelity figures of one output (formulas and keys kept, prose left, glossary)
    digest_input.py    the structured facts a digest is made from (title, affiliations, sections...)
    llm.py             one structured-output (JSON schema) chat request through the shared LLM client
    digest.py          ``digest``: seed-004 Korean digests, validated, retried once, cached; pseudo digests
    digest_render.py   Markdown / HTML / JSON posts
    batch.py           ``batch``: the scheduler (workers, budget, live summary, resume)
    batch_state.py     ``batch.json``
    batch_worker.py    one paper in its own process
    batch_ray.py       ``batch --ray``: papers as Ray tasks, a throttle actor
    throttle.py        the arXiv politeness budget shared by processes (file lock)
    cli.py             the subcommands, added to the main parser by one call
"""
