package dev.remotemedia.pipeline;

/**
 * Every error a user or an endpoint can cause; names match the `kind` field of `error` events and
 * the reason of the gRPC {@code ErrorInfo} detail. {@code Unavailable}: the instance is warming up
 * or draining — retry on another.
 */
public enum ErrorKind {
    ManifestInvalid, ManifestFetchFailed, InvalidInput, NodeFailed,
    RemoteExecutionFailed, RemoteTimeout, CircuitBreakerOpen, AllEndpointsFailed,
    Unauthenticated, CapacityExceeded, ModelUnavailable, Unavailable, Internal
}
