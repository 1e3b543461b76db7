package dev.remotemedia.vad;

import java.util.function.Consumer;

/**
 * Silero's reference speech-timestamp logic (utils_vad.get_speech_timestamps), made incremental:
 * start at prob ≥ threshold; end after min_silence below neg_threshold; drop speech not longer than
 * min_speech; split speech longer than max_speech at the last long-enough pause; pad both sides
 * without ever overlapping the previous segment. Positions are sample indices at the VAD rate.
 * Pure logic: no model, no audio, so it is testable on probability sequences.
 */
public final class SpeechSegmenter {
    /** Callbacks: speech confirmed (start), and a finished segment (raw and padded bounds). */
    public interface Listener {
        void speechStarted(long start);

        void segment(long start, long end, long paddedStart, long paddedEnd);
    }

    private final SegmenterSettings s;
    private final Listener listener;
    private boolean triggered;
    private boolean announced;
    private long start;
    private long tempEnd;
    private long prevEnd;
    private long nextStart;
    private long lastPaddedEnd;
    private long position; // samples seen
    private long pendingStart = -1, pendingEnd = -1, pendingPadStart, pendingPadEnd;

    public SpeechSegmenter(SegmenterSettings settings, Listener listener) {
        this.s = settings;
        this.listener = listener;
    }

    public boolean speaking() { return triggered; }

    /** Earliest sample still needed for a future segment's audio (pre-roll included). */
    public long keepFrom() {
        long keep = position - s.pad() - s.window();
        if (triggered) keep = Math.min(keep, start - s.pad());
        if (pendingStart >= 0) keep = Math.min(keep, pendingPadStart);
        return Math.max(0, keep);
    }

    /** Feeds the probability of the window starting at {@code position()}. */
    public void window(float prob) {
        long p = position;
        position += s.window();
        releasePending(position);

        if (prob >= s.threshold() && tempEnd != 0) {
            tempEnd = 0;
            if (nextStart < prevEnd) nextStart = p;
        }
        if (prob >= s.threshold() && !triggered) {
            triggered = true;
            announced = false;
            start = p;
            return;
        }
        if (triggered && tempEnd == 0 && !announced && position - start > s.minSpeech()) {
            announced = true;
            listener.speechStarted(start);
        }
        if (triggered && p - start > s.maxSpeech()) {
            if (prevEnd != 0) {
                finish(start, prevEnd);
                if (nextStart < prevEnd) {
                    triggered = false;
                } else {
                    start = nextStart;
                }
                prevEnd = nextStart = tempEnd = 0;
            } else {
                finish(start, p);
                prevEnd = nextStart = tempEnd = 0;
                triggered = false;
                return;
            }
        }
        if (prob < s.negThreshold() && triggered) {
            if (tempEnd == 0) tempEnd = p;
            if (p - tempEnd > s.minSilenceAtMaxSpeech()) prevEnd = tempEnd;
            if (p - tempEnd < s.minSilence()) return;
            if (tempEnd - start > s.minSpeech()) finish(start, tempEnd);
            prevEnd = nextStart = tempEnd = 0;
            triggered = false;
        }
    }

    /** End of stream (or a stall): closes open speech at the current position and flushes padding. */
    public void end() {
        if (triggered && position - start > s.minSpeech()) finish(start, position);
        triggered = false;
        prevEnd = nextStart = tempEnd = 0;
        if (pendingStart >= 0) {
            pendingPadEnd = Math.min(pendingPadEnd, position);
            releasePending(Long.MAX_VALUE);
        }
    }

    public long position() { return position; }

    private void finish(long segStart, long segEnd) {
        if (pendingStart >= 0) releasePending(Long.MAX_VALUE); // a split: the earlier part goes first
        long padStart = Math.max(Math.max(0, lastPaddedEnd), segStart - s.pad());
        long padEnd = segEnd + s.pad();
        if (!announced) {
            announced = true;
            listener.speechStarted(segStart);
        }
        pendingStart = segStart;
        pendingEnd = segEnd;
        pendingPadStart = padStart;
        pendingPadEnd = padEnd;
        lastPaddedEnd = padEnd;
        announced = false; // the next segment (after a split, the rest of this speech) gets its own vad_start
        releasePending(position);
    }

    /** Emits the pending segment once audio up to its padded end has been seen. */
    private void releasePending(long available) {
        if (pendingStart < 0 || available < pendingPadEnd) return;
        long padEnd = Math.min(pendingPadEnd, position);
        lastPaddedEnd = padEnd;
        long st = pendingStart, en = pendingEnd, ps = pendingPadStart;
        pendingStart = -1;
        listener.segment(st, en, ps, padEnd);
    }
}
