package dev.remotemedia.vad;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * `remotemedia.vad.*`: the Silero VAD model. Nothing injects it (SileroVAD reads these keys through
 * MicroProfile Config, as in the CLI), so it is @Unremovable: Quarkus registers a mapping without an
 * injection point only then, and would otherwise refuse a -Dremotemedia.vad.… at start-up.
 */
@io.quarkus.arc.Unremovable
@ConfigMapping(prefix = "remotemedia.vad")
public interface VadConfig {
    /** Silero ONNX file used instead of the bundled model (a node's `model_path` wins; env REMOTEMEDIA_VAD_MODEL_PATH). */
    Optional<String> modelPath();

    /** Outside speech, windows quieter than this (RMS, dBFS) are not scored: probability 0, no model run (a node's `silence_floor_dbfs` wins). */
    @WithDefault("-60")
    double silenceFloorDbfs();

    /** Score every window however quiet: the silence floor off (a node's `score_silence` wins). */
    @WithDefault("false")
    boolean scoreSilence();
}
