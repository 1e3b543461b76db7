package dev.remotemedia.remote;

import java.util.function.LongSupplier;

/**
 * Peak-EWMA latency (as Finagle and Linkerd use): jumps up to a slow sample at once and decays
 * with a time constant. The decay is applied on read too — an endpoint that was slow once and
 * has not been picked since looks cheaper as time passes (Finagle observes 0 at pick time) — so
 * it gets traffic back instead of being starved for good by the one slow sample it ever had.
 */
final class PeakEwma {
    private final double tauNanos;
    private final LongSupplier clock;
    private double value;     // ms, as of stampNanos
    private long stampNanos;
    private boolean seen;

    PeakEwma(double tauMs) {
        this(tauMs, System::nanoTime);
    }

    PeakEwma(double tauMs, LongSupplier clock) {
        this.tauNanos = tauMs * 1_000_000;
        this.clock = clock;
    }

    synchronized void record(double ms) {
        long now = clock.getAsLong();
        double current = decayed(now);
        if (!seen || ms > current) {
            value = ms;
        } else {
            double w = Math.exp(-(now - stampNanos) / tauNanos);
            value = value * w + ms * (1 - w);
        }
        seen = true;
        stampNanos = now;
    }

    /** Current estimate in ms, decayed toward 0 since the last sample; 0 before the first sample (so new endpoints get tried). */
    synchronized double get() {
        return seen ? decayed(clock.getAsLong()) : 0;
    }

    private double decayed(long now) {
        return seen ? value * Math.exp(-Math.max(0, now - stampNanos) / tauNanos) : 0;
    }
}
