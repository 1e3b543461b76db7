package dev.remotemedia.vad;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** `remotemedia.vad.*`: the Silero VAD model. */
@ConfigMapping(prefix = "remotemedia.vad")
public interface VadConfig {
    /** Silero ONNX file used instead of the bundled model (a node's `model_path` wins; env REMOTEMEDIA_VAD_MODEL_PATH). */
    Optional<String> modelPath();

    /**
     * Most windows of different sessions scored in one model run (a run costs nearly the same for one
     * window as for several); 1 = every window on its own, on its session's thread.
     */
    @WithDefault("16")
    int batchMaxWindows();
}
