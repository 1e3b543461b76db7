package dev.remotemedia.grpc;

import java.time.Duration;
import java.util.List;

/**
 * Limits and identity of the stream server (see {@link GrpcConfig}): {@code pipelines} is the
 * allow-list of named pipelines this worker serves and advertises (empty = any it can resolve).
 */
public record ServerLimits(int maxStreams, Duration idleTimeout, String role, List<String> pipelines) {
    public ServerLimits(int maxStreams, Duration idleTimeout, String role) {
        this(maxStreams, idleTimeout, role, List.of());
    }
}
