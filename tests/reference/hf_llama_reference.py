#!/usr/bin/env python3
"""Independent numpy reference for Hugging Face transformers' Llama forward pass.

Reproduces the forward semantics of `LlamaForCausalLM` and `LlamaForSequenceClassification`
from transformers' modeling_llama.py (4.4x / 4.5x) with nothing but the standard library and
numpy, so that the project's own model can be checked from outside. See README.md next to this
file for the input/output formats and the exact rules followed.

All arithmetic is float64: weights stored as F32/F16/BF16 are widened on load. Compared with a
float32 implementation the remaining differences therefore come from the other side.

Usage:
  hf_llama_reference.py --model DIR --input IN.json --output OUT.json [--hidden]
  hf_llama_reference.py --model DIR --input IN.json --output OUT.json --greedy N
"""

import argparse
import json
import math
import mmap
import os
import sys

import numpy as np


class InputProblem(Exception):
    """A problem with the inputs (files, config, request); printed as one line."""


# ----------------------------------------------------------------------------------------------
# safetensors
# ----------------------------------------------------------------------------------------------

_DTYPE_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}


class SafetensorsFile:
    """One .safetensors file, memory-mapped; tensors are decoded to float64 on request."""

    def __init__(self, path):
        self.path = path
        try:
            self._file = open(path, "rb")
        except OSError as e:
            raise InputProblem(f"{path}: cannot open ({e.strerror})")
        size = os.fstat(self._file.fileno()).st_size
        if size < 8:
            raise InputProblem(f"{path}: too short for a safetensors header")
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        header_len = int.from_bytes(self._map[:8], "little")
        if header_len <= 0 or 8 + header_len > size:
            raise InputProblem(f"{path}: header length {header_len} does not fit the file")
        try:
            header = json.loads(bytes(self._map[8:8 + header_len]).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputProblem(f"{path}: header is not valid JSON ({e})")
        if not isinstance(header, dict):
            raise InputProblem(f"{path}: header must be a JSON object")
        self._data_start = 8 + header_len
        self._data_len = size - self._data_start
        self.entries = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            self.entries[name] = self._check_entry(name, info)

    def _check_entry(self, name, info):
        try:
            dtype = info["dtype"]
            shape = [int(d) for d in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise InputProblem(f"{self.path}: tensor '{name}' needs dtype, shape and data_offsets")
        if dtype not in _DTYPE_SIZES:
            raise InputProblem(
                f"{self.path}: tensor '{name}' has dtype {dtype}; supported: F32, F16, BF16, F64")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if begin < 0 or end > self._data_len or end - begin != count * _DTYPE_SIZES[dtype]:
            raise InputProblem(
                f"{self.path}: tensor '{name}' data_offsets [{begin}, {end}] do not match "
                f"shape {shape} of {dtype} inside a {self._data_len}-byte data section")
        return dtype, shape, begin

    def load(self, name):
        dtype, shape, begin = self.entries[name]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        offset = self._data_start + begin
        if dtype == "BF16":
            # bfloat16 is the upper half of a float32: widen by shifting into the high 16 bits.
            raw = np.frombuffer(self._map, dtype="<u2", count=count, offset=offset)
            values = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            np_dtype = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}[dtype]
            values = np.frombuffer(self._map, dtype=np_dtype, count=count, offset=offset)
        return values.astype(np.float64).reshape(shape)


class Checkpoint:
    """The tensors of a Hugging Face model folder: model.safetensors or a sharded index."""

    def __init__(self, model_dir):
        single = os.path.join(model_dir, "model.safetensors")
        index = os.path.join(model_dir, "model.safetensors.index.json")
        self._files = {}
        self._where = {}
        self._cache = {}
        if os.path.isfile(single):
            f = SafetensorsFile(single)
            for name in f.entries:
                self._where[name] = f
        elif os.path.isfile(index):
            weight_map = _read_json(index).get("weight_map")
            if not isinstance(weight_map, dict):
                raise InputProblem(f"{index}: missing object 'weight_map'")
            for name, shard in weight_map.items():
                if shard not in self._files:
                    self._files[shard] = SafetensorsFile(os.path.join(model_dir, shard))
                f = self._files[shard]
                if name not in f.entries:
                    raise InputProblem(f"{f.path}: tensor '{name}' listed in {index} is missing")
                self._where[name] = f
        else:
            raise InputProblem(
                f"{model_dir}: neither model.safetensors nor model.safetensors.index.json exists")

    def has(self, name):
        return name in self._where

    def get(self, name, expected_shape=None):
        if name not in self._where:
            raise InputProblem(f"checkpoint: tensor '{name}' is missing")
        if name not in self._cache:
            self._cache[name] = self._where[name].load(name)
        value = self._cache[name]
        if expected_shape is not None and list(value.shape) != list(expected_shape):
            raise InputProblem(
                f"{self._where[name].path}: tensor '{name}' has shape {list(value.shape)}, "
                f"expected {list(expected_shape)}")
        return value


def _read_json(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise InputProblem(f"{path}: cannot read ({e.strerror})")
    except json.JSONDecodeError as e:
        raise InputProblem(f"{path}: not valid JSON ({e})")


# ----------------------------------------------------------------------------------------------
# config
# ----------------------------------------------------------------------------------------------

class LlamaSettings:
    """The LlamaConfig fields the forward pass uses, with LlamaConfig's defaults."""

    def __init__(self, config_path):
        c = _read_json(config_path)
        if not isinstance(c, dict):
            raise InputProblem(f"{config_path}: must be a JSON object")
        self.path = config_path
        model_type = c.get("model_type")
        if model_type not in (None, "llama"):
            raise InputProblem(f"{config_path}: model_type is '{model_type}', expected 'llama'")

        def required_int(key):
            v = c.get(key)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise InputProblem(f"{config_path}: '{key}' must be a positive integer")
            return v

        self.hidden_size = required_int("hidden_size")
        self.num_heads = required_int("num_attention_heads")
        self.num_layers = required_int("num_hidden_layers")
        self.vocab_size = required_int("vocab_size")
        self.num_kv_heads = c.get("num_key_value_heads") or self.num_heads
        if self.num_heads % self.num_kv_heads != 0:
            raise InputProblem(
                f"{config_path}: num_attention_heads {self.num_heads} is not a multiple of "
                f"num_key_value_heads {self.num_kv_heads}")
        # LlamaConfig: head_dim falls back to hidden_size // num_attention_heads when absent or null.
        self.head_dim = c.get("head_dim") or self.hidden_size // self.num_heads
        if not isinstance(self.head_dim, int) or self.head_dim < 2 or self.head_dim % 2:
            raise InputProblem(f"{config_path}: head_dim {self.head_dim} must be an even integer >= 2")
        self.rms_norm_eps = float(c.get("rms_norm_eps", 1e-6))
        self.rope_theta = float(c.get("rope_theta", 10000.0))
        self.max_position_embeddings = int(c.get("max_position_embeddings", 2048))
        self.attention_bias = bool(c.get("attention_bias", False))
        self.mlp_bias = bool(c.get("mlp_bias", False))
        self.tie_word_embeddings = bool(c.get("tie_word_embeddings", False))
        self.pad_token_id = c.get("pad_token_id")
        act = c.get("hidden_act", "silu")
        if act not in ("silu", "swish"):
            raise InputProblem(f"{config_path}: hidden_act '{act}' is not supported (expected silu)")
        self.rope_scaling = c.get("rope_scaling")
        if self.rope_scaling is None and isinstance(c.get("rope_parameters"), dict):
            # transformers 5 moved rope_theta and the scaling into one 'rope_parameters' object.
            params = c["rope_parameters"]
            self.rope_theta = float(params.get("rope_theta", self.rope_theta))
            self.rope_scaling = params
        if self.rope_scaling is not None and not isinstance(self.rope_scaling, dict):
            raise InputProblem(f"{config_path}: 'rope_scaling' must be an object or null")


# ----------------------------------------------------------------------------------------------
# rotary embeddings
# ----------------------------------------------------------------------------------------------

def _scaling_number(s, key):
    scaling = s.rope_scaling
    v = scaling.get(key)
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise InputProblem(f"{s.path}: rope_scaling.{key} must be a number")
    return float(v)


def rope_inv_freq(s, max_position):
    """inv_freq as in transformers' ROPE_INIT_FUNCTIONS; max_position = max(position_ids) + 1."""
    d = s.head_dim
    inv_freq = 1.0 / (s.rope_theta ** (np.arange(0, d, 2, dtype=np.float64) / d))
    scaling = s.rope_scaling
    if not scaling:
        return inv_freq
    rope_type = scaling.get("rope_type", scaling.get("type", "default"))
    if rope_type == "default":
        return inv_freq
    if rope_type == "linear":
        return inv_freq / _scaling_number(s, "factor")
    if rope_type == "llama3":
        factor = _scaling_number(s, "factor")
        low = _scaling_number(s, "low_freq_factor")
        high = _scaling_number(s, "high_freq_factor")
        old_len = _scaling_number(s, "original_max_position_embeddings")
        low_freq_wavelen = old_len / low
        high_freq_wavelen = old_len / high
        wavelen = 2 * math.pi / inv_freq
        scaled = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        is_medium = (wavelen >= high_freq_wavelen) & (wavelen <= low_freq_wavelen)
        if np.any(is_medium):
            if high == low:
                raise InputProblem(
                    f"{s.path}: rope_scaling low_freq_factor equals high_freq_factor but some "
                    f"frequencies fall in the smoothing band")
            smooth = (old_len / wavelen - low) / (high - low)
            blended = (1 - smooth) * scaled / factor + smooth * scaled
            scaled = np.where(is_medium, blended, scaled)
        return scaled
    if rope_type == "dynamic":
        # Dynamic NTK, stateless: HF's rotary module only grows its base when a forward sees
        # positions beyond max_position_embeddings, which is what a fresh model does here.
        factor = _scaling_number(s, "factor")
        if d <= 2:
            raise InputProblem(f"{s.path}: dynamic rope scaling needs head_dim > 2")
        limit = s.max_position_embeddings
        seq_len = max(max_position, limit)
        base = s.rope_theta * ((factor * seq_len / limit) - (factor - 1)) ** (d / (d - 2))
        return 1.0 / (base ** (np.arange(0, d, 2, dtype=np.float64) / d))
    raise InputProblem(
        f"{s.path}: rope_scaling type '{rope_type}' is not supported "
        f"(supported: default, linear, llama3, dynamic)")


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate((-x[..., half:], x[..., :half]), axis=-1)


# ----------------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    variance = np.mean(x * x, axis=-1, keepdims=True)
    return weight * (x / np.sqrt(variance + eps))


def silu(x):
    return x / (1.0 + np.exp(-x))


class LlamaReference:
    def __init__(self, model_dir):
        config_path = os.path.join(model_dir, "config.json")
        if not os.path.isfile(config_path):
            raise InputProblem(f"{config_path}: missing")
        self.s = LlamaSettings(config_path)
        self.w = Checkpoint(model_dir)
        if self.w.has("model.embed_tokens.weight"):
            self.prefix = "model."
        elif self.w.has("embed_tokens.weight"):
            self.prefix = ""
        else:
            raise InputProblem(f"{model_dir}: checkpoint has no model.embed_tokens.weight")

    def _linear(self, x, name, out_features, in_features, bias):
        y = x @ self.w.get(name + ".weight", (out_features, in_features)).T
        if bias:
            y = y + self.w.get(name + ".bias", (out_features,))
        return y

    def final_hidden(self, input_ids, attention_mask, position_ids):
        """Final-normed hidden states [B, S, hidden] (LlamaModel's last_hidden_state)."""
        s, p = self.s, self.prefix
        H, nh, nkv, hd = s.hidden_size, s.num_heads, s.num_kv_heads, s.head_dim
        B, S = input_ids.shape
        embed = self.w.get(p + "embed_tokens.weight", (s.vocab_size, H))
        x = embed[input_ids]

        inv_freq = rope_inv_freq(s, int(position_ids.max()) + 1)
        angles = position_ids[..., None].astype(np.float64) * inv_freq  # [B, S, hd/2]
        angles = np.concatenate((angles, angles), axis=-1)
        cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]  # [B, 1, S, hd]

        causal = np.tril(np.ones((S, S), dtype=bool))
        allowed = causal[None] & (attention_mask[:, None, :] != 0)  # [B, S(query), S(key)]
        # A query row with nothing to attend to (a left-pad position): HF's eager attention adds the
        # dtype minimum everywhere, which softmaxes to a uniform average; do the same explicitly.
        # Their outputs are meaningless either way; only real tokens should be compared.
        empty_rows = (~allowed.any(axis=-1, keepdims=True))[:, None]  # [B, 1, S, 1]
        allowed = allowed[:, None]  # [B, 1, S, S]
        scaling = 1.0 / math.sqrt(hd)

        for i in range(s.num_layers):
            lp = f"{p}layers.{i}."
            h = rms_norm(x, self.w.get(lp + "input_layernorm.weight", (H,)), s.rms_norm_eps)
            q = self._linear(h, lp + "self_attn.q_proj", nh * hd, H, s.attention_bias)
            k = self._linear(h, lp + "self_attn.k_proj", nkv * hd, H, s.attention_bias)
            v = self._linear(h, lp + "self_attn.v_proj", nkv * hd, H, s.attention_bias)
            q = q.reshape(B, S, nh, hd).transpose(0, 2, 1, 3)
            k = k.reshape(B, S, nkv, hd).transpose(0, 2, 1, 3)
            v = v.reshape(B, S, nkv, hd).transpose(0, 2, 1, 3)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            # repeat_kv: query head j reads key/value head j // (nh / nkv).
            k = np.repeat(k, nh // nkv, axis=1)
            v = np.repeat(v, nh // nkv, axis=1)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scaling
            scores = np.where(allowed, scores, -np.inf)
            scores = np.where(empty_rows, 0.0, scores)
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs = probs / probs.sum(axis=-1, keepdims=True)
            attn = (probs @ v).transpose(0, 2, 1, 3).reshape(B, S, nh * hd)
            x = x + self._linear(attn, lp + "self_attn.o_proj", H, nh * hd, s.attention_bias)

            h = rms_norm(x, self.w.get(lp + "post_attention_layernorm.weight", (H,)), s.rms_norm_eps)
            inter = self.w.get(lp + "mlp.gate_proj.weight").shape[0]
            gate = self._linear(h, lp + "mlp.gate_proj", inter, H, s.mlp_bias)
            up = self._linear(h, lp + "mlp.up_proj", inter, H, s.mlp_bias)
            x = x + self._linear(silu(gate) * up, lp + "mlp.down_proj", H, inter, s.mlp_bias)

        return rms_norm(x, self.w.get(p + "norm.weight", (H,)), s.rms_norm_eps)

    def lm_head_weight(self):
        s = self.s
        shape = (s.vocab_size, s.hidden_size)
        # Tied embeddings, or (deliberately lenient) no lm_head.weight stored at all.
        if s.tie_word_embeddings or not self.w.has("lm_head.weight"):
            return self.w.get(self.prefix + "embed_tokens.weight", shape)
        return self.w.get("lm_head.weight", shape)

    def causal_logits(self, hidden):
        return hidden @ self.lm_head_weight().T

    def pooled_token_index(self, input_ids):
        """Rightmost token that is not pad_token_id (transformers PR #35911, released in 4.49)."""
        B, S = input_ids.shape
        pad = self.s.pad_token_id
        if pad is None:
            if B != 1:
                raise InputProblem(
                    f"{self.s.path}: pad_token_id is not set, so classification needs batch size 1")
            return np.array([S - 1])
        non_pad = (input_ids != pad).astype(np.int64)
        return (non_pad * np.arange(S)).argmax(axis=-1)

    def classification_logits(self, hidden, input_ids):
        if not self.w.has("score.weight"):
            raise InputProblem("checkpoint: tensor 'score.weight' is missing (needed for head=classification)")
        score = self.w.get("score.weight")
        if score.ndim != 2 or score.shape[1] != self.s.hidden_size:
            raise InputProblem(
                f"checkpoint: tensor 'score.weight' has shape {list(score.shape)}, "
                f"expected [num_labels, {self.s.hidden_size}]")
        index = self.pooled_token_index(input_ids)
        pooled = hidden[np.arange(hidden.shape[0]), index]
        return pooled @ score.T, index


# ----------------------------------------------------------------------------------------------
# request / response
# ----------------------------------------------------------------------------------------------

def _int_matrix(request, key, path, rows=None, cols=None):
    value = request.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
        raise InputProblem(f"{path}: '{key}' must be a non-empty list of non-empty lists of integers")
    if not all(isinstance(t, int) and not isinstance(t, bool) for r in value for t in r):
        raise InputProblem(f"{path}: '{key}' must hold integers only")
    width = len(value[0])
    if any(len(r) != width for r in value):
        raise InputProblem(f"{path}: '{key}' rows must all have the same length")
    m = np.array(value, dtype=np.int64)
    if rows is not None and m.shape != (rows, cols):
        raise InputProblem(f"{path}: '{key}' has shape {list(m.shape)}, expected [{rows}, {cols}] like input_ids")
    return m


def parse_request(path, vocab_size):
    request = _read_json(path)
    if not isinstance(request, dict):
        raise InputProblem(f"{path}: must be a JSON object")
    ids = _int_matrix(request, "input_ids", path)
    B, S = ids.shape
    bad = np.argwhere((ids < 0) | (ids >= vocab_size))
    if len(bad):
        b, t = bad[0]
        raise InputProblem(
            f"{path}: input_ids[{b}][{t}] = {ids[b, t]} is outside the vocabulary [0, {vocab_size})")
    mask = np.ones((B, S), dtype=np.int64)
    if request.get("attention_mask") is not None:
        mask = _int_matrix(request, "attention_mask", path, B, S)
        if np.any((mask != 0) & (mask != 1)):
            raise InputProblem(f"{path}: 'attention_mask' values must be 0 or 1")
    positions = np.broadcast_to(np.arange(S, dtype=np.int64), (B, S))
    if request.get("position_ids") is not None:
        positions = _int_matrix(request, "position_ids", path, B, S)
        if np.any(positions < 0):
            raise InputProblem(f"{path}: 'position_ids' must be non-negative")
    head = request.get("head", "causal")
    if head not in ("causal", "classification"):
        raise InputProblem(f"{path}: 'head' is '{head}', expected 'causal' or 'classification'")
    return ids, mask, positions, head


def _write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _write_array(output_path, suffix, array):
    """Writes array as raw little-endian float32 next to the output JSON; returns its descriptor."""
    file_path = output_path + suffix
    _write_atomic(file_path, np.ascontiguousarray(array, dtype="<f4").tobytes())
    return {"shape": list(array.shape), "file": os.path.basename(file_path)}


def run_forward(model, args):
    ids, mask, positions, head = parse_request(args.input, model.s.vocab_size)
    hidden = model.final_hidden(ids, mask, positions)
    out = {"head": head}
    if head == "causal":
        out["logits"] = _write_array(args.output, ".logits.f32", model.causal_logits(hidden))
    else:
        logits, index = model.classification_logits(hidden, ids)
        out["logits"] = _write_array(args.output, ".logits.f32", logits)
        out["pooled_token_index"] = [int(i) for i in index]
    if args.hidden:
        out["hidden"] = _write_array(args.output, ".hidden.f32", hidden)
    return out


def run_greedy(model, args):
    ids, mask, positions, _ = parse_request(args.input, model.s.vocab_size)
    if ids.shape[0] != 1:
        raise InputProblem(f"{args.input}: --greedy takes exactly one prompt row, got {ids.shape[0]}")
    if np.any(mask == 0):
        raise InputProblem(f"{args.input}: --greedy does not take a padded prompt")
    sequence = [int(t) for t in ids[0]]
    generated = []
    for _ in range(args.greedy):
        # No cache on purpose: every step recomputes the whole sequence from scratch.
        row = np.array([sequence], dtype=np.int64)
        S = row.shape[1]
        hidden = model.final_hidden(row, np.ones((1, S), dtype=np.int64), np.arange(S, dtype=np.int64)[None])
        last_logits = hidden[0, -1] @ model.lm_head_weight().T
        token = int(np.argmax(last_logits))  # first maximum on ties, as torch.argmax
        generated.append(token)
        sequence.append(token)
    return {"generated_ids": generated}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="Hugging Face model folder")
    parser.add_argument("--input", required=True, help="request JSON")
    parser.add_argument("--output", required=True, help="response JSON (arrays go to OUTPUT.*.f32)")
    parser.add_argument("--hidden", action="store_true", help="also write final-normed hidden states")
    parser.add_argument("--greedy", type=int, metavar="N", help="generate N tokens greedily, no cache")
    args = parser.parse_args(argv)
    try:
        if args.greedy is not None and args.greedy < 0:
            raise InputProblem("--greedy: N must be >= 0")
        model = LlamaReference(args.model)
        out = run_greedy(model, args) if args.greedy is not None else run_forward(model, args)
        _write_atomic(args.output, json.dumps(out).encode("utf-8"))
    except InputProblem as e:
        print(f"hf_llama_reference: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
