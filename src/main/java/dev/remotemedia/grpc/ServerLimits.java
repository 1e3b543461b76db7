package dev.remotemedia.grpc;

import java.time.Duration;

/** Limits of the stream server (see {@link GrpcConfig}). */
public record ServerLimits(int maxStreams, Duration idleTimeout, String role) {}
