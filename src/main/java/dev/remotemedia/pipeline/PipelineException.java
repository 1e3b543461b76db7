package dev.remotemedia.pipeline;

/** The one error family of the pipeline; the message says what, where and what to do. */
public class PipelineException extends RuntimeException {
    private final ErrorKind kind;
    private final String nodeId;

    public PipelineException(ErrorKind kind, String nodeId, String message) {
        this(kind, nodeId, message, null);
    }

    public PipelineException(ErrorKind kind, String nodeId, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.nodeId = nodeId;
    }

    public ErrorKind kind() { return kind; }

    /** The node that failed, or null when the error is not tied to one. */
    public String nodeId() { return nodeId; }
}
