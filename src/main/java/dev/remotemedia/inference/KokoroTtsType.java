package dev.remotemedia.inference;

import dev.remotemedia.audio.Resampler;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.TextFrame;
import dev.remotemedia.telemetry.Telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * `KokoroTTS`: text → speech with Kokoro v1.0. The text is split into sentences and each one is
 * phonemized (espeak-ng), synthesized and sent on at once, so the first audio leaves before the
 * last sentence is done. A `tts` event closes each text with its timings.
 */
public final class KokoroTtsType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.string("model").defaultValue("kokoro-v1.0").doc("catalogue name, a folder, or an s3:// / https:// prefix"),
            ParamSpec.string("voice").defaultValue("af_heart").doc("a voices/NAME.bin style file of the model"),
            ParamSpec.number("speed").defaultValue(1.0).min(0.5).max(2.0).doc("speaking rate (1 = normal)"),
            ParamSpec.integer("sample_rate").defaultValue(24000).min(8000).max(48000).doc("rate of the audio frames sent on (Kokoro makes 24000)"),
            ParamSpec.string("phonemizer_voice").defaultValue("en-us").doc("espeak-ng voice used to phonemize (en-us, en-gb, …)"),
            ParamSpec.oneOf("device", "", "auto", "cuda", "cpu").defaultValue("").doc("where the model runs; empty = remotemedia.models.device"),
            ParamSpec.integer("threads").defaultValue(0).min(0).max(256).doc("ONNX Runtime intra-op threads (0 = its default)"),
            ModelStore.variantParam("which export of the model folder to load (model_fp16.onnx, …); auto = the first present, fp32 first"),
            ParamSpec.integer("max_chars").defaultValue(2000).min(1).max(100000).doc("longer texts are rejected with an error event"));

    @Override public String name() { return "KokoroTTS"; }
    @Override public String description() { return "Text to speech with Kokoro v1.0 (ONNX Runtime; espeak-ng phonemes; sentence by sentence)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.TEXT); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.AUDIO, FrameKind.EVENT); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        if (!p.string("voice").matches("[A-Za-z0-9_-]+")) errors.add(where + ".voice: letters, digits, _ and - only, got \"" + p.string("voice") + "\"");
        if (!p.string("phonemizer_voice").matches("[A-Za-z0-9_+-]+")) errors.add(where + ".phonemizer_voice: letters, digits, _ + - only");
    }

    @Override
    public Node create(NodeContext context, Params p) {
        ModelStore store = ModelStore.of(context.shared());
        String device = p.string("device").isEmpty() ? store.defaultDevice() : p.string("device");
        Path dir = store.resolve(p.string("model"), KokoroModel.files(p.string("variant")));
        int threads = p.integer("threads");
        KokoroModel model = context.shared().get("kokoro:" + dir + ":" + device + ":" + threads + ":" + p.string("variant"), KokoroModel.class,
                () -> KokoroModel.load(dir, device, threads, p.string("variant")));
        String voice = p.string("voice");
        try {
            model.requireVoice(voice);
        } catch (PipelineException e) {
            throw new PipelineException(e.kind(), context.nodeId(), e.getMessage());
        }
        Phonemizer phonemizer = new Phonemizer(p.string("phonemizer_voice"));
        float speed = (float) p.number("speed");
        int rate = p.integer("sample_rate");
        int maxChars = p.integer("max_chars");
        return new TextToSpeechNode(context, maxChars) {
            @Override
            protected void speak(TextFrame t, Consumer<Frame> out) {
                long t0 = System.nanoTime();
                long firstAudioNanos = -1;
                long samplesOut = 0;
                int sentences = 0;
                for (String sentence : sentences(t.text())) {
                    String phonemes = phonemizer.phonemes(sentence);
                    char end = sentence.charAt(sentence.length() - 1);
                    if (".!?".indexOf(end) >= 0) phonemes += end; // espeak drops punctuation; Kokoro uses it for prosody
                    long[] ids = model.tokenize(phonemes);
                    for (int off = 0; off < ids.length; off += KokoroModel.MAX_TOKENS) {
                        long[] part = Arrays.copyOfRange(ids, off, Math.min(ids.length, off + KokoroModel.MAX_TOKENS));
                        float[] wave = model.synthesize(part, voice, speed);
                        if (rate != KokoroModel.SAMPLE_RATE) wave = Resampler.resample(wave, KokoroModel.SAMPLE_RATE, rate);
                        if (wave.length == 0) continue;
                        if (firstAudioNanos < 0) firstAudioNanos = System.nanoTime() - t0;
                        out.accept(new AudioFrame(wave, rate, 1, t.tMs() + samplesOut * 1000 / rate));
                        samplesOut += wave.length;
                    }
                    sentences++;
                }
                long took = System.nanoTime() - t0;
                Telemetry.modelInference("kokoro", Duration.ofNanos(took));
                double audioMs = samplesOut * 1000.0 / rate;
                var f = Events.fields().put("node", context.nodeId()).put("sentences", sentences).put("audio_ms", Math.round(audioMs))
                        .put("inference_ms", took / 1_000_000).put("first_audio_ms", firstAudioNanos / 1_000_000)
                        .put("rtf", audioMs == 0 ? 0 : Math.round(took / 1e6 / audioMs * 10000) / 10000.0)
                        .put("voice", voice).put("device", model.device())
                        .put("text", t.text().length() > 500 ? t.text().substring(0, 500) + "…" : t.text()); // what the page shows with the audio
                if (t.segment() > 0) f.put("segment", t.segment());
                out.accept(new EventFrame("tts", t.tMs(), f));
            }
        };
    }

    /** Sentences (at . ! ? ; followed by space), non-blank. */
    static List<String> sentences(String text) {
        return Arrays.stream(text.trim().split("(?<=[.!?;])\\s+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
