package dev.remotemedia.remote;

/**
 * Peak-EWMA latency (as Finagle and Linkerd use): jumps up to a slow sample at once, decays back
 * toward faster samples with a time constant, so one slow endpoint is avoided quickly.
 */
final class PeakEwma {
    private final double tauNanos;
    private double value;     // ms
    private long stampNanos;
    private boolean seen;

    PeakEwma(double tauMs) {
        this.tauNanos = tauMs * 1_000_000;
    }

    synchronized void record(double ms) {
        long now = System.nanoTime();
        if (!seen) {
            value = ms;
            seen = true;
        } else if (ms > value) {
            value = ms;
        } else {
            double w = Math.exp(-(now - stampNanos) / tauNanos);
            value = value * w + ms * (1 - w);
        }
        stampNanos = now;
    }

    /** Current estimate in ms; 0 before the first sample (so new endpoints get tried). */
    synchronized double get() {
        return seen ? value : 0;
    }
}
