package dev.remotemedia.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** `remotemedia.rest.*`: the one-shot HTTP path ({@code POST /pipeline}). */
@ConfigMapping(prefix = "remotemedia.rest")
public interface RestConfig {
    /** Longest audio one `POST /pipeline` request may carry, in seconds. */
    @WithDefault("300")
    int maxAudioS();

    /**
     * `Authorization: Bearer <token>` on `POST /pipeline`, with the gRPC server's tokens. Empty =
     * required whenever tokens are configured (without tokens only loopback and
     * remotemedia.grpc.auth.anonymous-networks get in); false = open to anyone.
     */
    java.util.Optional<Boolean> requireToken();
}
