package dev.remotemedia.manifest;

/** A manifest URL that could not be fetched; the message names the URL (never credentials). */
public final class ManifestFetchException extends RuntimeException {
    public ManifestFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
