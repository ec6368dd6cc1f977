"""``hf``: a local Hugging Face model (seq2seq such as Marian/opus-mt or NLLB, or a causal LM).

Needs the optional extra (``pip install 'arxiv-translator[hf]'``: torch,
transformers, sentencepiece) and a model folder on disk (``--model DIR``;
nothing is downloaded).  Small MT models drop or garble tags, so
placeholders never reach the model: each segment is cut into the prose runs
between its protected spans (:func:`~arxiv_translator.engines.markup.split_runs`),
the runs are translated, and the tags are put back between them -- no span
can be lost.  Runs are sorted by length and generated in batches of at most
``HF_BATCH_TOKENS`` padded tokens, on the GPU when there is one; decoding is
greedy, so answers are remembered and a re-sent run costs no new call.  Usage is
counted in tokens; a local model costs nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from arxiv_translator.errors import ConfigError, EngineError
from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult
from arxiv_translator.engines.markup import join_runs, split_runs

HF_BATCH_TOKENS = 4096
MAX_NEW_TOKENS = 512
MEMO_SIZE = 100_000
CAUSAL_PROMPT = "Translate the following English text into Korean. Answer with the translation only.\n" \
                "English: {text}\nKorean:"


class HFEngine(Engine):
    """transformers ``generate`` on a local model; placeholders kept outside the model."""

    name = "hf"
    version = "runs-1"
    capabilities = Capabilities(max_items=64, concurrency=1, keeps_tags=False)
    needs = "pip install 'arxiv-translator[hf]' and --model DIR (a local seq2seq or causal model folder)"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self._loaded: tuple[Any, Any, str, bool] | None = None
        self._memo: dict[str, str] = {}

    @property
    def model(self) -> str:
        """The model folder as given."""
        return self.settings.model or ""

    def options(self) -> dict[str, str]:
        """A fingerprint of the weights, so replacing them in the same folder is a new signature."""
        folder = Path(self.model)
        if not folder.is_dir():
            return {}
        digest = hashlib.sha256()
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix in (".json", ".safetensors", ".bin", ".model", ".spm"):
                digest.update(f"{path.name}:{path.stat().st_size}".encode())
                if path.suffix == ".json" and path.stat().st_size < 1_000_000:
                    digest.update(path.read_bytes())
        return {"weights": digest.hexdigest()[:12]}

    @classmethod
    def missing(cls, settings) -> str | None:
        """transformers installed and a model folder that exists."""
        if importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None:
            return "transformers is not installed (pip install 'arxiv-translator[hf]')"
        if not settings.model:
            return "no model (pass --model DIR, a local transformers model folder)"
        if not Path(settings.model).is_dir():
            return (f"model folder {settings.model} does not exist (pass --model DIR of a downloaded model, e.g. "
                    "huggingface-cli download Helsinki-NLP/opus-mt-tc-big-en-ko --local-dir DIR)")
        if not (Path(settings.model) / "config.json").is_file():
            return f"{settings.model} has no config.json: not a transformers model folder"
        return None

    def check(self) -> None:
        """Dependencies and the folder, then load the model once (errors become one line)."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine hf: {problem}")
        try:
            self._load()
        except EngineError as exc:
            raise ConfigError(str(exc)) from None

    def _load(self) -> tuple[Any, Any, str, bool]:
        if self._loaded is not None:
            return self._loaded
        problem = self.missing(self.settings)
        if problem:
            raise EngineError(f"engine hf: {problem}")
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the CLI draws its own progress
        path = self.model
        try:
            config = AutoConfig.from_pretrained(path, local_files_only=True)
            seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            cls = AutoModelForSeq2SeqLM if seq2seq else AutoModelForCausalLM
            model = cls.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise EngineError(f"engine hf: cannot load the model in {path}: {first}") from None
        device = self.settings.device or ("cuda" if torch.cuda.is_available() else "cpu")
        model.to(device).eval()
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        if not seq2seq:
            tokenizer.padding_side = "left"
        self._loaded = (tokenizer, model, device, seq2seq)
        return self._loaded

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """Translate the prose runs of every item and reassemble them around the placeholders."""
        plans = [split_runs(item) for item in items]
        runs = sorted({" ".join(text.split()) for plan in plans for text, prose in plan if prose})
        fresh = [r for r in runs if r not in self._memo]
        answers, usage = await asyncio.to_thread(self._generate, fresh) if fresh else ({}, (0, 0, 0))
        if len(self._memo) < MEMO_SIZE:  # greedy decoding is deterministic: a re-sent run needs no new call
            self._memo.update(answers)
        answers = {**{r: self._memo[r] for r in runs if r in self._memo}, **answers}
        texts: list[str | None] = [
            join_runs(plan, [answers[" ".join(text.split())] for text, prose in plan if prose]) for plan in plans]
        return EngineResult(texts=texts, prompt_tokens=usage[0], completion_tokens=usage[1],
                            prompt_chars=sum(len(r) for r in runs), requests=max(1, usage[2]))

    def _generate(self, runs: list[str]) -> tuple[dict[str, str], tuple[int, int, int]]:
        """Runs -> translations, in token-bounded batches; returns (answers, (in, out, calls))."""
        import torch

        tokenizer, model, device, seq2seq = self._load()
        prompts = {r: r if seq2seq else self._prompt(tokenizer, r) for r in runs}
        lengths = {r: len(tokenizer(prompts[r])["input_ids"]) for r in runs}
        own = {r: len(tokenizer(r)["input_ids"]) for r in runs} if not seq2seq else lengths
        order = sorted(runs, key=lambda r: lengths[r])
        answers: dict[str, str] = {}
        used_in = used_out = calls = 0
        batch: list[str] = []
        for run in order + [None]:  # type: ignore[list-item]
            if run is not None and (not batch or (len(batch) + 1) * lengths[run] <= HF_BATCH_TOKENS):
                batch.append(run)
                continue
            if batch:
                enc = tokenizer([prompts[r] for r in batch], return_tensors="pt", padding=True, truncation=True,
                                max_length=MAX_NEW_TOKENS).to(device)
                limit = min(MAX_NEW_TOKENS, 2 * max(own[r] for r in batch) + 16)  # the answer, not the prompt
                with torch.no_grad():
                    out = model.generate(**enc, max_new_tokens=limit, do_sample=False, num_beams=1,
                                         pad_token_id=tokenizer.pad_token_id)
                if not seq2seq:
                    out = out[:, enc["input_ids"].shape[1]:]
                for r, text in zip(batch, tokenizer.batch_decode(out, skip_special_tokens=True)):
                    answers[r] = " ".join(text.split())
                used_in += int(enc["attention_mask"].sum())
                used_out += int((out != tokenizer.pad_token_id).sum())
                calls += 1
            batch = [run] if run is not None else []
        return answers, (used_in, used_out, calls)

    @staticmethod
    def _prompt(tokenizer: Any, text: str) -> str:
        if getattr(tokenizer, "chat_template", None):
            return tokenizer.apply_chat_template(
                [{"role": "user", "content": CAUSAL_PROMPT.format(text=text).rsplit("\n", 1)[0]}],
                tokenize=False, add_generation_prompt=True)
        return CAUSAL_PROMPT.format(text=text)
