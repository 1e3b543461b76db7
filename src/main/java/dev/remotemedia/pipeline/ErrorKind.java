package dev.remotemedia.pipeline;

/** Every error a user or an endpoint can cause; names match the `kind` field of `error` events. */
public enum ErrorKind {
    ManifestInvalid, ManifestFetchFailed, InvalidInput, NodeFailed,
    RemoteExecutionFailed, RemoteTimeout, CircuitBreakerOpen, AllEndpointsFailed,
    Unauthenticated, CapacityExceeded, ModelUnavailable, Internal
}
