package dev.remotemedia.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** `remotemedia.rest.*`: the one-shot HTTP path ({@code POST /pipeline}). */
@ConfigMapping(prefix = "remotemedia.rest")
public interface RestConfig {
    /** Longest audio one `POST /pipeline` request may carry, in seconds. */
    @WithDefault("300")
    int maxAudioS();
}
