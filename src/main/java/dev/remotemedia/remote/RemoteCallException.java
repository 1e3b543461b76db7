package dev.remotemedia.remote;

import dev.remotemedia.pipeline.ErrorKind;

/**
 * One failed attempt on one endpoint, typed, with what the dispatcher should do about it:
 * {@link Scope#ENDPOINT} — the endpoint failed (counts for its breaker; try another, retry later);
 * {@link Scope#NOT_SERVED_HERE} — this worker cannot run the pipeline (no model, not in its
 * allow-list): skip it for that pipeline, try another, not a fault of the endpoint;
 * {@link Scope#FATAL} — another try cannot fix it (a manifest the server rejects, a wrong token).
 */
final class RemoteCallException extends RuntimeException {
    enum Scope { ENDPOINT, NOT_SERVED_HERE, FATAL }

    private final ErrorKind kind;
    private final Scope scope;

    RemoteCallException(ErrorKind kind, String message, Scope scope) {
        super(message, null, false, false);
        this.kind = kind;
        this.scope = scope;
    }

    RemoteCallException(ErrorKind kind, String message, boolean retryable) {
        this(kind, message, retryable ? Scope.ENDPOINT : Scope.FATAL);
    }

    ErrorKind kind() { return kind; }

    Scope scope() { return scope; }

    boolean retryable() { return scope != Scope.FATAL; }

    /** A failure of the endpoint itself: what its circuit breaker counts. */
    boolean endpointFault() { return scope == Scope.ENDPOINT; }
}
