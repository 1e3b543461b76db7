"""A real-architecture Whisper (random weights, tiny sizes) exported in the onnx-community layout, with
the tokens Hugging Face transformers' greedy generate() produces for speech.wav — the reference that
WhisperReferenceTest holds WhisperModel (log-mel, merged KV-cache decoder, greedy loop) to.

Run once, with torch, transformers, onnx and onnxruntime installed:  python3 make_tiny_whisper.py
Writes tiny-whisper/ (onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx, config.json,
generation_config.json, tokenizer.json) and tiny-whisper/expected.json.

The decoder is exported through a wrapper with the merged export's inputs and outputs
(input_ids, encoder_hidden_states, use_cache_branch, past_key_values.N.{decoder,encoder}.{key,value}
→ logits, present.N.*): self-attention caches are concatenated, cross-attention K/V are recomputed
from encoder_hidden_states on every step (the same values the real export caches). The wrapper's
logits are checked against the transformers model's own before export.
"""
import json
import os
import wave

import numpy as np
import torch
from transformers import GenerationConfig, WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

class Encoder(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.encoder = m.model.encoder

    def forward(self, input_features):
        return self.encoder(input_features).last_hidden_state


class MergedDecoder(torch.nn.Module):
    """The merged decoder's interface over the transformers model's own weights. One branch of it:
    with_past=False computes the cross-attention K/V from encoder_hidden_states (the first step),
    with_past=True takes them from past_key_values.N.encoder.* (every later step)."""

    def __init__(self, m, with_past=False):
        super().__init__()
        self.with_past = with_past
        self.d = m.model.decoder
        self.proj = m.proj_out
        self.heads = m.config.decoder_attention_heads
        self.head_dim = m.config.d_model // self.heads

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).transpose(1, 2)

    def attend(self, q, k, v, causal_from):
        scores = q @ k.transpose(-1, -2)
        if causal_from is not None:
            s, total = q.shape[2], k.shape[2]
            allowed = torch.arange(total).unsqueeze(0) <= (torch.arange(s).unsqueeze(1) + causal_from)
            scores = scores.masked_fill(~allowed, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
        b, h, s, hd = out.shape
        return out.transpose(1, 2).reshape(b, s, h * hd)

    def forward(self, input_ids, encoder_hidden_states, use_cache_branch, *past):
        past_len = past[0].shape[2]
        positions = torch.arange(input_ids.shape[1]) + past_len
        h = self.d.embed_tokens(input_ids) + self.d.embed_positions.weight[positions]
        presents = []
        for i, layer in enumerate(self.d.layers):
            pk, pv = past[4 * i], past[4 * i + 1]
            a = layer.self_attn
            x = layer.self_attn_layer_norm(h)
            q = self.split(a.q_proj(x) * a.scaling) if hasattr(a, "scaling") else self.split(a.q_proj(x) * self.head_dim ** -0.5)
            k = torch.cat([pk, self.split(a.k_proj(x))], dim=2)
            v = torch.cat([pv, self.split(a.v_proj(x))], dim=2)
            h = h + a.out_proj(self.attend(q, k, v, past_len))
            c = layer.encoder_attn
            x = layer.encoder_attn_layer_norm(h)
            cq = self.split(c.q_proj(x) * c.scaling) if hasattr(c, "scaling") else self.split(c.q_proj(x) * self.head_dim ** -0.5)
            if self.with_past:
                ck, cv = past[4 * i + 2], past[4 * i + 3]
            else:
                ck = self.split(c.k_proj(encoder_hidden_states))
                cv = self.split(c.v_proj(encoder_hidden_states))
            h = h + c.out_proj(self.attend(cq, ck, cv, None))
            x = layer.final_layer_norm(h)
            h = h + layer.fc2(layer.activation_fn(layer.fc1(x)))
            presents += [k, v, ck, cv]
        logits = self.proj(self.d.layer_norm(h))
        # keep every input of the interface in each branch's graph (the exporter drops unused ones); adds exactly 0
        unused = sum(p.sum() for p in past) + encoder_hidden_states.sum() + use_cache_branch.float().sum()
        return (logits + 0.0 * unused, *presents)


def merge_branches(no_past_path, with_past_path, out_path):
    """One model whose If on use_cache_branch runs the with-past graph (true) or the first-step graph
    (false), the way optimum's merge_decoders builds decoder_model_merged.onnx."""
    import onnx
    from onnx import helper

    def branch(path, tag):
        g = onnx.load(path).graph
        outer = {i.name for i in g.input}
        rename = lambda n: n if (n in outer or n == "") else tag + "/" + n
        for init in g.initializer:
            init.name = rename(init.name)
        for node in g.node:
            node.input[:] = [rename(n) for n in node.input]
            node.output[:] = [rename(n) for n in node.output]
            node.name = tag + "/" + node.name
        for o in g.output:
            o.name = rename(o.name)
        for vi in g.value_info:
            vi.name = rename(vi.name)
        body = helper.make_graph(list(g.node), tag, [], list(g.output), list(g.initializer), value_info=list(g.value_info))
        return body, g
    else_body, base = branch(no_past_path, "first_step")
    then_body, _ = branch(with_past_path, "with_past")
    outputs = [o.name.split("/", 1)[1] for o in else_body.output]
    if_node = helper.make_node("If", ["use_cache_branch_scalar"], outputs, then_branch=then_body, else_branch=else_body, name="optimum::if")
    squeeze = helper.make_node("Squeeze", ["use_cache_branch"], ["use_cache_branch_scalar"], name="cond")
    graph = helper.make_graph([squeeze, if_node], "decoder_model_merged", list(base.input),
                              [helper.make_value_info(n, o.type) for n, o in zip(outputs, base.output)])
    model = helper.make_model(graph, opset_imports=onnx.load(no_past_path).opset_import, producer_name="make_tiny_whisper")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def export(model, out, batch):
    """Writes out/onnx/encoder_model.onnx and out/onnx/decoder_model_merged.onnx (the merged decoder's interface)."""
    config = model.config
    sot, nots = config.decoder_start_token_id, model.generation_config.no_timestamps_token_id
    enc, dec = Encoder(model).eval(), MergedDecoder(model).eval()
    layers, heads, hd = config.decoder_layers, config.decoder_attention_heads, config.d_model // config.decoder_attention_heads
    with torch.no_grad():  # the wrapper must agree with the transformers model
        hidden = enc(batch)
        ids = torch.tensor([[sot, nots, 40, 41]] * batch.shape[0])
        ref = model(encoder_outputs=(hidden,), decoder_input_ids=ids).logits
        empty = [torch.zeros(batch.shape[0], heads, 0, hd) for _ in range(4 * layers)]
        mine = dec(ids, hidden, torch.tensor([False]), *empty)[0]
        assert torch.allclose(ref, mine, atol=1e-4 * max(1.0, ref.abs().max().item())), (ref - mine).abs().max()
    past_names = [n for i in range(layers) for n in (f"past_key_values.{i}.decoder.key", f"past_key_values.{i}.decoder.value",
                                                       f"past_key_values.{i}.encoder.key", f"past_key_values.{i}.encoder.value")]
    present_names = [n.replace("past_key_values", "present") for n in past_names]
    os.makedirs(out + "/onnx", exist_ok=True)
    torch.onnx.export(enc, (batch,), out + "/onnx/encoder_model.onnx", input_names=["input_features"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}}, opset_version=17, dynamo=False)
    axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"}, "encoder_hidden_states": {0: "batch_size"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in past_names:
        axes[n] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in n else "encoder_sequence_length_out"}
    for n in present_names:
        axes[n] = {0: "batch_size", 2: "present_sequence_length" if ".decoder." in n else "encoder_sequence_length_out"}
    # the two branches, exported with the same interface, then joined under an If on use_cache_branch
    first_step = MergedDecoder(model, with_past=False).eval()
    with_past = MergedDecoder(model, with_past=True).eval()
    enc_len = hidden.shape[1]
    cross_past = [torch.zeros(batch.shape[0], heads, 3 if j % 4 < 2 else enc_len, hd) for j in range(4 * layers)]
    for name, module in (("first_step", first_step), ("with_past", with_past)):
        torch.onnx.export(module, (torch.tensor([[sot, nots]] * batch.shape[0]), hidden, torch.tensor([True]), *cross_past),
                          out + "/onnx/" + name + ".onnx", input_names=["input_ids", "encoder_hidden_states", "use_cache_branch", *past_names],
                          output_names=["logits", *present_names], dynamic_axes=axes, opset_version=17, dynamo=False)
    merge_branches(out + "/onnx/first_step.onnx", out + "/onnx/with_past.onnx", out + "/onnx/decoder_model_merged.onnx")
    os.remove(out + "/onnx/first_step.onnx")
    os.remove(out + "/onnx/with_past.onnx")


def main():
    torch.manual_seed(3)
    OUT = "tiny-whisper"
    EOT, SOT, NOCAPTIONS, NOTIMESTAMPS = 256, 257, 258, 259
    VOCAB = 260
    config = WhisperConfig(vocab_size=VOCAB, num_mel_bins=80, d_model=32, encoder_layers=2, encoder_attention_heads=2,
                           decoder_layers=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                           max_source_positions=1500, max_target_positions=64, decoder_start_token_id=SOT,
                           eos_token_id=EOT, pad_token_id=EOT, bos_token_id=EOT, suppress_tokens=[], begin_suppress_tokens=[],
                           tie_word_embeddings=False)
    model = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():
        # wide logit gaps (so float rounding between runtimes cannot flip an argmax) and a cross-attention
        # strong enough that what the window contains changes the tokens
        # (an untied output projection, or the model would just repeat its input token)
        model.model.decoder.embed_tokens.weight.normal_(0.0, 1.0)
        model.proj_out.weight.normal_(0.0, 1.0)
        for layer in model.model.decoder.layers:
            layer.encoder_attn.v_proj.weight.mul_(3.0)
            layer.encoder_attn.out_proj.weight.mul_(3.0)

    gen = GenerationConfig(decoder_start_token_id=SOT, eos_token_id=EOT, pad_token_id=EOT, no_timestamps_token_id=NOTIMESTAMPS,
                           is_multilingual=False, max_length=64, suppress_tokens=[1, 2, 7, SOT, NOCAPTIONS, NOTIMESTAMPS],
                           begin_suppress_tokens=[32, EOT])
    model.generation_config = gen
    os.makedirs(OUT + "/onnx", exist_ok=True)
    config.save_pretrained(OUT)
    gen.save_pretrained(OUT)


    def bytes_to_unicode():
        bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
        cs = bs[:]
        n = 0
        for b in range(256):
            if b not in bs:
                bs.append(b)
                cs.append(256 + n)
                n += 1
        return dict(zip(bs, [chr(c) for c in cs]))


    byte_chars = bytes_to_unicode()
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                         for i, c in [(EOT, "<|endoftext|>"), (SOT, "<|startoftranscript|>"), (NOCAPTIONS, "<|nocaptions|>"), (NOTIMESTAMPS, "<|notimestamps|>")]],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "vocab": {byte_chars[b]: b for b in range(256)}, "merges": []},
    }
    with open(OUT + "/tokenizer.json", "w") as fh:
        json.dump(tokenizer, fh, ensure_ascii=False)

    # the reference: features of speech.wav, then greedy generate()
    with wave.open("speech.wav") as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    features = torch.tensor(WhisperFeatureExtractor(feature_size=80)(audio, sampling_rate=16000, return_tensors="np").input_features)
    silence = torch.tensor(WhisperFeatureExtractor(feature_size=80)(np.zeros(16000, dtype=np.float32), sampling_rate=16000,
                                                                      return_tensors="np").input_features)
    batch = torch.cat([features, silence])
    with torch.no_grad():
        generated = model.generate(batch, max_new_tokens=20, do_sample=False, num_beams=1, return_timestamps=False)
    expected = []
    for row in generated.tolist():
        text_tokens = [t for t in row if t < EOT]
        expected.append({"tokens": text_tokens,
                         "text": bytes([b for b in text_tokens]).decode("utf-8", errors="replace").strip()})
    print("generate():", generated.tolist())
    export(model, OUT, batch)
    with open(OUT + "/expected.json", "w") as fh:
        json.dump({"source": "transformers WhisperForConditionalGeneration.generate, greedy, max_new_tokens 20", "windows": ["speech.wav", "1 s of silence"],
                   "expected": expected}, fh, indent=1)
    print("expected:", expected)


if __name__ == "__main__":
    main()
