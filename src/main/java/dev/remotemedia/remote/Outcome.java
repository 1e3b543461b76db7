package dev.remotemedia.remote;

import dev.remotemedia.pipeline.Frame;

import java.util.List;

/** The results of one segment from the endpoint that answered, and how long it took. */
record Outcome(List<Frame> results, String endpoint, String serverId, long roundTripMs, long processingMs,
               long sentNanos, long firstResultNanos, long finalNanos) {}
