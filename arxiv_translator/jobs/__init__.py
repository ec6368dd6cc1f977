"""A translation as a typed, resumable job.

    state.py     JobState: everything a job knows, as data (no callbacks, no open handles)
    store.py     saving and loading it atomically in ``<out>/.job/``
    stages.py    the stages, each ``async def run(state, ctx) -> state`` (order: pipeline.STAGES)
    context.py   what a running job holds but does not save; injected services
    events.py    the progress event bus listeners subscribe to
    outputs.py   --outputs and --to
    finish.py    the report stage's work

Importing this package imports none of them.
"""
