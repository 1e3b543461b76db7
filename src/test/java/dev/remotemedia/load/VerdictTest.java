package dev.remotemedia.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {
    @Test
    void aCleanRunPasses() {
        assertEquals(List.of(), new Verdict(100, 0, 0, 100, 60_000, 0, 5).failures());
        assertEquals(List.of(), new Verdict(97, 0, 0, 100, 60_000, 2_000, 5).failures(), "within 5 %");
    }

    @Test
    void shedAudioFailsTheRunEvenWhenEveryCutSegmentCameBack() {
        var f = new Verdict(954, 0, 0, 1300, 600_000, 96_100, 5).failures();
        assertTrue(f.stream().anyMatch(m -> m.contains("shed 96100 of 600000 input frames (16.0 %)")), f.toString());
        assertTrue(f.stream().anyMatch(m -> m.contains("only 954 segments cut where the audio held 1300")), f.toString());
    }

    @Test
    void lossDuplicationAndAnUnreadableServerAreFailures() {
        var f = new Verdict(10, 1, 2, -1, 1000, -1, 5).failures();
        assertTrue(f.contains("1 segment(s) lost") && f.contains("2 segment(s) duplicated"), f.toString());
        assertTrue(f.stream().anyMatch(m -> m.contains("shed audio unknown")), f.toString());
        assertEquals(List.of("no segment was cut"), new Verdict(0, 0, 0, -1, -1, -1, 5).failures());
    }
}
