package dev.remotemedia.vad;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The segmentation rules on synthetic probability sequences (no model). 512-sample windows = 32 ms. */
class SpeechSegmenterTest {
    final List<long[]> segments = new ArrayList<>();
    final List<Long> starts = new ArrayList<>();

    SpeechSegmenter segmenter(int minSpeechMs, int minSilenceMs, int padMs, double maxS) {
        return new SpeechSegmenter(SegmenterSettings.of(16000, 0.5, null, minSpeechMs, minSilenceMs, padMs, maxS),
                new SpeechSegmenter.Listener() {
                    @Override public void speechStarted(long start) { starts.add(start); }

                    @Override public void segment(long s, long e, long ps, long pe) { segments.add(new long[] {s, e, ps, pe}); }
                });
    }

    static void feed(SpeechSegmenter seg, float prob, int windows) {
        for (int i = 0; i < windows; i++) seg.window(prob);
    }

    @Test
    void startsAtThresholdAndEndsAfterMinSilence() {
        var seg = segmenter(250, 100, 30, 30);
        feed(seg, 0.0f, 10);
        feed(seg, 0.9f, 20);   // speech from window 10
        feed(seg, 0.0f, 20);
        assertEquals(1, segments.size());
        assertEquals(10 * 512, segments.get(0)[0]);
        assertEquals(30 * 512, segments.get(0)[1]);
        assertEquals(10 * 512 - 480, segments.get(0)[2], "padded by 30 ms");
        assertEquals(30 * 512 + 480, segments.get(0)[3]);
        assertEquals(List.of(10L * 512), starts);
    }

    @Test
    void dropsSpeechNotLongerThanMinSpeech() {
        var seg = segmenter(250, 100, 30, 30);
        feed(seg, 0.9f, 5);    // 160 ms
        feed(seg, 0.0f, 20);
        assertEquals(0, segments.size());
        assertEquals(0, starts.size(), "no vad_start for dropped speech");
    }

    @Test
    void briefDipsBelowNegThresholdDoNotEndSpeech() {
        var seg = segmenter(250, 100, 30, 30);
        feed(seg, 0.9f, 10);
        feed(seg, 0.1f, 2);    // 64 ms < 100 ms
        feed(seg, 0.9f, 10);
        feed(seg, 0.0f, 20);
        assertEquals(1, segments.size());
    }

    @Test
    void paddingNeverOverlapsThePreviousSegment() {
        var seg = segmenter(0, 20, 200, 30);
        feed(seg, 0.9f, 10);
        feed(seg, 0.0f, 2);
        feed(seg, 0.9f, 10);
        feed(seg, 0.0f, 30);
        assertEquals(2, segments.size());
        assertEquals(segments.get(0)[3], segments.get(1)[2], "second segment starts where the first (padded) ended");
    }

    @Test
    void endClosesOpenSpeech() {
        var seg = segmenter(250, 100, 30, 30);
        feed(seg, 0.9f, 20);
        seg.end();
        assertEquals(1, segments.size());
        assertEquals(20 * 512, segments.get(0)[1]);
        assertEquals(20 * 512, segments.get(0)[3], "padding clamped to the audio seen");
    }

    @Test
    void splitsSpeechLongerThanMaxDuration() {
        var seg = segmenter(100, 500, 30, 2.0);
        for (int k = 0; k < 6; k++) {   // 6 × (1 s speech + 160 ms pause below neg threshold)
            feed(seg, 0.9f, 31);
            feed(seg, 0.1f, 5);
        }
        feed(seg, 0.0f, 40);
        assertEquals(true, segments.size() >= 3, "split into several: " + segments.size());
        for (long[] s : segments) assertEquals(true, s[1] - s[0] <= 2 * 16000, "each part at most 2 s");
        assertEquals(segments.size(), starts.size(), "each part has its vad_start");
    }
}
