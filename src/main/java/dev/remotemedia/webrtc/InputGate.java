package dev.remotemedia.webrtc;

/**
 * Bounded input for one session: when more than {@code maxPendingFrames} frames wait for the
 * pipeline (an overloaded instance), new audio is dropped instead of queued, so memory and latency
 * stay bounded and one slow host cannot take the process down. Reports once per episode.
 */
final class InputGate {
    /** What to do with a frame. */
    enum Verdict { ADMIT, DROP, DROP_AND_NOTIFY }

    private final long maxPendingFrames;
    private long pushed;
    private long droppedMs;
    private boolean shedding;

    /** @param maxPendingFrames frames allowed in flight (0 = unbounded) */
    InputGate(long maxPendingFrames) {
        this.maxPendingFrames = maxPendingFrames;
    }

    /**
     * @param frameMs   length of the frame offered, for the dropped total
     * @param delivered frames the pipeline has taken so far
     */
    synchronized Verdict offer(long frameMs, long delivered) {
        long pending = pushed - delivered;
        if (maxPendingFrames > 0 && pending >= maxPendingFrames) {
            droppedMs += frameMs;
            if (shedding) return Verdict.DROP;
            shedding = true;
            return Verdict.DROP_AND_NOTIFY;
        }
        if (pending <= maxPendingFrames / 2) shedding = false; // caught up: a new episode is reported again
        pushed++;
        return Verdict.ADMIT;
    }

    synchronized long droppedMs() { return droppedMs; }
}
