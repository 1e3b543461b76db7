package dev.remotemedia.vad;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** `remotemedia.vad.*`: the Silero VAD model. */
@ConfigMapping(prefix = "remotemedia.vad")
public interface VadConfig {
    /** Silero ONNX file used instead of the bundled model (a node's `model_path` wins; env REMOTEMEDIA_VAD_MODEL_PATH). */
    Optional<String> modelPath();
}
