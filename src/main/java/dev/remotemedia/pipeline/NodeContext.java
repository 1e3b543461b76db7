package dev.remotemedia.pipeline;

import java.util.concurrent.Executor;

/**
 * What a node instance gets from its session: ids for messages and logs, the media worker pool its
 * results hop back onto, the engine's threads (timer, blocking pool: {@link MediaThreads}) and its
 * process-wide shared services.
 */
public record NodeContext(String sessionId, String nodeId, Executor worker, MediaThreads threads, SharedServices shared) {}
