package dev.remotemedia.pipeline;

import java.util.concurrent.Executor;

/**
 * What a node instance gets from its session: ids for messages and logs, the worker executor for
 * blocking work (inference, I/O), and the engine's process-wide shared services.
 */
public record NodeContext(String sessionId, String nodeId, Executor worker, SharedServices shared) {}
