package dev.remotemedia.remote;

import dev.remotemedia.pipeline.ErrorKind;

/**
 * One failed attempt on one endpoint, typed. {@code retryable} is false for what another try cannot
 * fix (a manifest the server rejects, a wrong token): those abort the retries.
 */
final class RemoteCallException extends RuntimeException {
    private final ErrorKind kind;
    private final boolean retryable;

    RemoteCallException(ErrorKind kind, String message, boolean retryable) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryable = retryable;
    }

    ErrorKind kind() { return kind; }

    boolean retryable() { return retryable; }
}
