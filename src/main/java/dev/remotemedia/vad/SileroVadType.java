package dev.remotemedia.vad;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;

import java.util.List;
import java.util.Set;

/** `SileroVAD`: speech detection with Silero's reference segmentation semantics. */
public final class SileroVadType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.number("threshold").defaultValue(0.5).min(0).max(1)
                    .doc("speech starts when a window's probability is at least this"),
            ParamSpec.number("neg_threshold").min(0).max(1)
                    .doc("speech ends below this; default threshold - 0.15 (at least 0.01)"),
            ParamSpec.integer("sampling_rate").defaultValue(16000)
                    .doc("rate the model runs at: 16000 or 8000 Hz (input of any rate is resampled)"),
            ParamSpec.integer("min_speech_duration_ms").defaultValue(250).min(0).max(60000)
                    .doc("speech not longer than this is dropped"),
            ParamSpec.integer("min_silence_duration_ms").defaultValue(100).min(0).max(60000)
                    .doc("silence needed to end a segment"),
            ParamSpec.integer("speech_pad_ms").defaultValue(30).min(0).max(5000)
                    .doc("audio added before and after each segment (pre-roll), never overlapping"),
            ParamSpec.number("max_speech_duration_s").defaultValue(30).min(0.5).max(3600)
                    .doc("longer speech is split at its last pause"),
            ParamSpec.bool("emit_audio").defaultValue(false)
                    .doc("pass the input audio frames downstream as well"),
            ParamSpec.bool("emit_probabilities").defaultValue(false)
                    .doc("emit a vad_prob event per window (debugging)"),
            ParamSpec.integer("stall_timeout_ms").defaultValue(1000).min(0).max(600000)
                    .doc("close open speech when no audio arrives for this long (0 = never)"),
            ParamSpec.number("silence_floor_dbfs").min(-120).max(0)
                    .doc("outside speech, windows quieter than this (RMS, dBFS) are not scored: probability 0, no model run (default: remotemedia.vad.silence-floor-dbfs, -60)"),
            ParamSpec.bool("score_silence")
                    .doc("score every window however quiet: the silence floor off (default: remotemedia.vad.score-silence, false)"),
            ParamSpec.string("model_path")
                    .doc("a Silero v5/v6 ONNX file instead of the bundled one (default: remotemedia.vad.model-path)"));

    @Override public String name() { return "SileroVAD"; }
    @Override public String description() { return "Silero VAD (ONNX Runtime): vad_start/vad_end events and padded speech segments"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.AUDIO); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.EVENT, FrameKind.SEGMENT, FrameKind.AUDIO); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        int rate = p.integer("sampling_rate");
        if (rate != 16000 && rate != 8000) errors.add(where + ".sampling_rate: must be 16000 or 8000, got " + rate);
        if (p.has("neg_threshold") && p.number("neg_threshold") >= p.number("threshold")) {
            errors.add(where + ".neg_threshold: must be below threshold (" + p.number("threshold") + "), got " + p.number("neg_threshold"));
        }
    }

    @Override
    public Node create(NodeContext context, Params p) {
        // remotemedia.vad.* (VadConfig) through MicroProfile Config: application.properties in
        // the server; system properties and REMOTEMEDIA_VAD_MODEL_PATH also in the CLI
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        String path = p.optionalString("model_path").orElseGet(() -> config.getOptionalValue("remotemedia.vad.model-path", String.class).orElse(""));
        boolean scoreSilence = p.has("score_silence") ? p.bool("score_silence")
                : config.getOptionalValue("remotemedia.vad.score-silence", Boolean.class).orElse(false);
        double floor = p.has("silence_floor_dbfs") ? p.number("silence_floor_dbfs")
                : config.getOptionalValue("remotemedia.vad.silence-floor-dbfs", Double.class).orElse(-60.0);
        int rate = p.integer("sampling_rate");
        SileroModel model = context.shared().get("silero:" + path + ":" + rate, SileroModel.class, () -> SileroModel.load(path, rate));
        SegmenterSettings settings = SegmenterSettings.of(rate, p.number("threshold"),
                p.has("neg_threshold") ? p.number("neg_threshold") : null, p.integer("min_speech_duration_ms"),
                p.integer("min_silence_duration_ms"), p.integer("speech_pad_ms"), p.number("max_speech_duration_s"));
        return new SileroVadNode(context, model, settings, p.bool("emit_audio"), p.bool("emit_probabilities"),
                p.integer("stall_timeout_ms"), scoreSilence ? null : floor);
    }
}
