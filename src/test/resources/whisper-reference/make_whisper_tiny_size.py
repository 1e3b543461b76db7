"""A Whisper with tiny.en's exact sizes (4+4 layers, d_model 384, 6 heads, vocabulary 51864, 80 mel bins)
and random weights, exported like make_tiny_whisper.py — for `bench stt` to measure real-size compute
where no weights can be fetched. Its tokens are meaningless; its cost per window is tiny.en's.

    python3 make_whisper_tiny_size.py target/whisper-tiny-size
"""
import json
import sys

import torch
from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration

from make_tiny_whisper import export

out = sys.argv[1] if len(sys.argv) > 1 else "whisper-tiny-size"
EOT, SOT, NOCAPTIONS, NOTIMESTAMPS, VOCAB = 50256, 50257, 50361, 50362, 51864
torch.manual_seed(5)
config = WhisperConfig(vocab_size=VOCAB, num_mel_bins=80, d_model=384, encoder_layers=4, encoder_attention_heads=6,
                       decoder_layers=4, decoder_attention_heads=6, encoder_ffn_dim=1536, decoder_ffn_dim=1536,
                       max_source_positions=1500, max_target_positions=448, decoder_start_token_id=SOT,
                       eos_token_id=EOT, pad_token_id=EOT, bos_token_id=EOT)
model = WhisperForConditionalGeneration(config).eval()
model.generation_config = GenerationConfig(decoder_start_token_id=SOT, eos_token_id=EOT, pad_token_id=EOT,
                                           no_timestamps_token_id=NOTIMESTAMPS, is_multilingual=False, max_length=448,
                                           suppress_tokens=[1, 2, 7], begin_suppress_tokens=[220, EOT])
config.save_pretrained(out)
model.generation_config.save_pretrained(out)
specials = {EOT: "<|endoftext|>", SOT: "<|startoftranscript|>", NOCAPTIONS: "<|nocaptions|>", NOTIMESTAMPS: "<|notimestamps|>"}
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": i, "content": specials.get(i, "<|extra_%d|>" % i), "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True} for i in range(EOT, NOTIMESTAMPS + 1)],
    "normalizer": None,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "post_processor": None,
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
              "fuse_unk": False, "byte_fallback": False, "vocab": {"~%d" % i: i for i in range(EOT)}, "merges": []},
}
with open(out + "/tokenizer.json", "w") as fh:
    json.dump(tokenizer, fh)
export(model, out, torch.zeros(1, 80, 3000))
print("wrote", out)
