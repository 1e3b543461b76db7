package dev.remotemedia.remote;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeakEwmaTest {
    final AtomicLong now = new AtomicLong();
    final PeakEwma ewma = new PeakEwma(1000, now::get);

    private void advanceMs(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void jumpsToAPeakAtOnceAndDecaysOnReadWithoutNewSamples() {
        assertEquals(0, ewma.get(), "unseen endpoints cost nothing (they get tried)");
        ewma.record(10);
        ewma.record(500);
        assertEquals(500, ewma.get(), 1e-9, "a slow sample counts at once");
        advanceMs(1000);
        assertEquals(500 * Math.exp(-1), ewma.get(), 1e-6, "one time constant later, with no sample in between");
        advanceMs(4000);
        assertTrue(ewma.get() < 5, "forgotten after 5 time constants: " + ewma.get());
    }

    @Test
    void aFastSampleAfterALongPauseIsTakenAlmostAsIs() {
        ewma.record(400);
        advanceMs(10_000);
        ewma.record(2);
        assertEquals(2, ewma.get(), 0.01);
    }
}
