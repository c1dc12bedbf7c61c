"""ONNX files of a tagger model folder, derived on first use into a cache directory.

The model folder keeps only its torch weights (``model.safetensors``); the ONNX graphs the ONNX
Runtime engine runs (``onnx_runtime.py``) are exported from them once, into
``$ZHIE_CACHE/onnx/<fingerprint>/`` (default ``~/.cache/zhie``), where the fingerprint is the
SHA-256 of the folder's weight, config and vocabulary files, the heads exported and this module's
format number, so a changed model never reuses a stale graph.  A file is written under a temporary
name and renamed, so concurrent workers never read a half-written graph.

- ``fp32``: the encoder and the requested heads' softmax, one window per run (input ``input_ids`` of
  shape (1, length), no padding and no attention mask), with ONNX Runtime's transformer fusions
  applied offline (LayerNormalization, BiasGelu) except SkipLayerNormalization: on ONNX Runtime
  1.32's CPU kernel, one SkipLayerNormalization of shape (1, 130, 384) took 5–6× as long as the Add +
  LayerNormalization it fuses, a fifth of a whole window's time in int8 (FORMAT 2 drops it);
- ``int8``: the fp32 graph with its MatMul weights quantised per output channel to int8 and the
  activations quantised per run (ONNX Runtime's dynamic quantisation; on CPUs with VNNI or AMX the
  products run in int8);
- ``int8-static``: the same int8 weights, but every MatMul input's uint8 scale fixed once from the
  ranges the fp32 graph shows on calibration windows of the project's training texts
  (calibration.py; ONNX Runtime's static quantisation, ``QLinearMatMul`` operators), so no run
  measures its activations; the products of two activations (attention scores) stay in fp32.  The
  file name holds the digest of the calibration windows and of the recipe (``STATIC_RECIPE``).
  Measured on ONNX Runtime 1.32 (2-core AMX/VNNI Xeon): no faster than ``int8`` (0.83× its throughput
  interleaved in one process; the separate Quantize/Dequantize and bias Add nodes cost what the
  per-run activation ranges save) and 0.25 point lower dev core F1, so it is an opt-in, not ``int8``.

Exporting needs torch and the ``onnx`` package; running a cached file needs neither.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from .calibration import CalibrationSet, WindowReader, calibration_set

FORMAT = 2   # 2: no SkipLayerNormalization fusion
ONNX_PRECISIONS = ("fp32", "int8", "int8-static")
STATIC_RECIPE = {"format": "qoperator", "activations": "uint8", "weights": "int8-per-channel", "ops": "MatMul",
                 "calibration": "minmax"}
WEIGHT_FILES = ("config.json", "chars.json", "model.safetensors")


def cache_root(cache: Path | None = None) -> Path:
    """``cache`` (the entry points pass ``$ZHIE_CACHE``, else ``$XDG_CACHE_HOME/zhie``: zhie/settings.py),
    else ``~/.cache/zhie``."""
    return Path(cache) if cache is not None else Path.home() / ".cache" / "zhie"


def fingerprint(model_dir: Path, heads: tuple[str, ...]) -> str:
    """SHA-256 (first 16 hex digits) of the weight files, the exported heads and FORMAT."""
    h = hashlib.sha256(json.dumps({"format": FORMAT, "heads": list(heads)}).encode())
    for name in WEIGHT_FILES:
        f = Path(model_dir) / name
        if not f.is_file():
            raise FileNotFoundError(f"{model_dir} has no {name}: cannot derive its ONNX graph")
        h.update(name.encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def static_key(calib: CalibrationSet) -> str:
    """What a static int8 graph depends on beyond the weights: the calibration windows and the recipe."""
    return hashlib.sha256(json.dumps({"windows": calib.digest, "recipe": STATIC_RECIPE}, sort_keys=True)
                          .encode()).hexdigest()[:12]


def onnx_path(model_dir: Path, heads: tuple[str, ...], precision: str, cache: Path | None = None,
              calib: CalibrationSet | None = None) -> Path:
    """The cache file of a graph; ``int8-static`` needs the calibration set, whose key is in the name."""
    name = f"tagger-{precision}"
    if precision == "int8-static":
        if calib is None:
            raise ValueError("the int8-static graph's file depends on its calibration set: pass calib")
        name += f"-{static_key(calib)}"
    return cache_root(cache) / "onnx" / fingerprint(model_dir, heads) / f"{name}.onnx"


def default_calibration(model_dir: Path, max_len: int = 128) -> CalibrationSet:
    """The calibration windows of a model folder: annotations/train.jsonl in windows of the tagger's
    ``max_len``, encoded with the folder's vocabulary (calibration.py)."""
    from .charvocab import CharVocab
    return calibration_set(CharVocab.load(Path(model_dir) / "chars.json"), max_len)


def _atomic_target(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.stem + ".", suffix=".tmp.onnx", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)
    return Path(tmp)


def export_fp32(net: Any, heads: tuple[str, ...], target: Path) -> Path:
    """Export ``net`` (a CharTaggerNet in fp32) with the softmax of ``heads`` as outputs."""
    import torch
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    class _Probabilities(torch.nn.Module):
        def __init__(self, net: Any) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, ...]:
            hidden = self.net.encoder(input_ids=input_ids).last_hidden_state
            return tuple(torch.softmax(self.net.heads[h](hidden), dim=-1) for h in heads)

    net = net.float().eval()
    net.encoder.set_attn_implementation("eager")   # plain ops: no data-dependent mask code in the trace
    raw = _atomic_target(target)
    example = torch.tensor([[0, 6, 7, 8, 9, 10, 11, 2]], dtype=torch.long)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(_Probabilities(net), (example,), str(raw), input_names=["input_ids"],
                          output_names=list(heads), opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {1: "length"}, **{h: {1: "length"} for h in heads}})
    config = net.encoder.config
    try:
        fusions = FusionOptions("bert")
        fusions.enable_skip_layer_norm = False   # slower than Add + LayerNormalization (module docstring)
        optimized = optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size, opt_level=0, optimization_options=fusions)
        tmp = _atomic_target(target)
        optimized.save_model_to_file(str(tmp))
        os.replace(tmp, target)
    finally:
        raw.unlink(missing_ok=True)
    return target


def quantize_int8(fp32: Path, target: Path) -> Path:
    """Per-channel int8 weights, activations quantised per run (dynamic quantisation)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _atomic_target(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)   # the quantiser's advice to pre-process is logged on the root logger
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.setLevel(level)
    os.replace(tmp, target)
    return target


def quantize_int8_static(fp32: Path, target: Path, calib: CalibrationSet) -> Path:
    """Per-channel int8 weights and per-tensor uint8 activations with scales from ``calib``
    (ONNX Runtime's static quantisation in QOperator form: QLinearMatMul).  The weight MatMuls
    only: the two activation products of each attention layer keep their fp32 inputs."""
    import onnx
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    graph = onnx.load(str(fp32), load_external_data=False)
    weights = {i.name for i in graph.graph.initializer}
    activation_products = [n.name for n in graph.graph.node
                           if n.op_type == "MatMul" and not any(x in weights for x in n.input)]
    shaped, tmp = _atomic_target(target), _atomic_target(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)   # the quantiser logs its progress and advice on the root logger
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the quantiser needs every tensor's type, also behind the fused (com.microsoft) operators
            quant_pre_process(str(fp32), str(shaped), skip_optimization=True)
            quantize_static(str(shaped), str(tmp), WindowReader(calib), quant_format=QuantFormat.QOperator,
                            per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                            op_types_to_quantize=["MatMul"], nodes_to_exclude=activation_products,
                            calibrate_method=CalibrationMethod.MinMax,
                            extra_options={"WeightSymmetric": True, "ActivationSymmetric": False})
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        shaped.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return target


def ensure_onnx(model_dir: Path, heads: tuple[str, ...], precision: str, build_net: Any,
                cache: Path | None = None, calib: CalibrationSet | None = None, max_len: int = 128) -> Path:
    """The cached ONNX file of ``precision`` for the folder (in ``cache``: ``cache_root``), exported first when missing;
    ``build_net()`` returns the fp32 CharTaggerNet (called only when an export is needed); ``calib``: the
    calibration windows of ``int8-static`` (default ``default_calibration(model_dir, max_len)``)."""
    if precision not in ONNX_PRECISIONS:
        raise ValueError(f"the onnx runtime runs at {', '.join(ONNX_PRECISIONS)}, not {precision!r} "
                         f"(bf16 runs on the torch runtime: ZHIE_RUNTIME=torch)")
    if precision == "int8-static" and calib is None:
        calib = default_calibration(model_dir, max_len)
    target = onnx_path(model_dir, heads, precision, cache, calib)
    if target.is_file():
        return target
    fp32 = onnx_path(model_dir, heads, "fp32", cache)
    if not fp32.is_file():
        export_fp32(build_net(), heads, fp32)
    if precision == "int8":
        quantize_int8(fp32, target)
    elif precision == "int8-static":
        quantize_int8_static(fp32, target, calib)
    return target
