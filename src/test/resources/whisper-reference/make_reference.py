"""Reference values for LogMelTest, from Hugging Face transformers' WhisperFeatureExtractor (numpy).

Run once, with transformers and numpy installed:  python3 make_reference.py
Writes speech.wav (2.1 s of 16 kHz PCM16: harmonic bursts, a chirp and noise) and
features-80.json / features-128.json (log-mel values of selected frames, all bins).
"""
import json
import wave

import numpy as np
from transformers import WhisperFeatureExtractor

rate = 16000
t = np.arange(int(2.1 * rate)) / rate
rng = np.random.default_rng(7)
signal = 0.3 * np.sin(2 * np.pi * 220 * t) * (t < 0.8)
signal += sum(0.1 / h * np.sin(2 * np.pi * 150 * h * t) for h in range(1, 8)) * ((t > 0.9) & (t < 1.5))
signal += 0.2 * np.sin(2 * np.pi * (300 + 1500 * t) * t) * (t > 1.5)
signal += 0.01 * rng.standard_normal(len(t))
pcm = np.clip(np.round(signal * 32767), -32768, 32767).astype("<i2")
with wave.open("speech.wav", "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(pcm.tobytes())
audio = pcm.astype(np.float32) / 32768.0

frames = list(range(0, 215, 3)) + [2000, 2999]
for bins in (80, 128):
    fe = WhisperFeatureExtractor(feature_size=bins)
    feats = fe(audio, sampling_rate=rate, return_tensors="np").input_features[0]
    assert feats.shape == (bins, 3000), feats.shape
    out = {"source": "transformers WhisperFeatureExtractor(feature_size=%d)" % bins,
           "frames": frames,
           "values": [[round(float(feats[m, f]), 6) for m in range(bins)] for f in frames]}
    with open("features-%d.json" % bins, "w") as fh:
        json.dump(out, fh)
print("wrote speech.wav, features-80.json, features-128.json")
