package dev.remotemedia.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AudioLevelsTest {
    @Test
    void fullScaleSineIsMinus3DbRmsAndZeroPeak() {
        float[] s = dev.remotemedia.testing.Signals.sine(1000, 16000, 1.0, 1.0);
        var l = AudioLevels.of(s, 16000, 1);
        assertEquals(-3.01, l.rmsDbfs(), 0.02);
        assertEquals(0.0, l.peakDbfs(), 0.01);
        assertEquals(16000, l.samples());
        assertEquals(1000.0, l.durationMs(), 1e-9);
    }

    @Test
    void halfScaleSquareIsMinus6Db() {
        float[] s = new float[800];
        for (int i = 0; i < s.length; i++) s[i] = (i / 8) % 2 == 0 ? 0.5f : -0.5f;
        var l = AudioLevels.of(s, 8000, 1);
        assertEquals(-6.02, l.rmsDbfs(), 0.01);
        assertEquals(-6.02, l.peakDbfs(), 0.01);
        assertEquals(100.0, l.durationMs(), 1e-9);
    }

    @Test
    void silenceReportsTheFloor() {
        assertEquals(AudioLevels.FLOOR_DBFS, AudioLevels.of(new float[160], 16000, 1).rmsDbfs());
    }

    @Test
    void stereoCountsFramesNotSamples() {
        assertEquals(100, AudioLevels.of(new float[200], 1000, 2).samples());
    }

    @Test
    void meanSquareCoversOnlyTheGivenRange() {
        float[] s = {9f, 0.5f, -0.5f, 0.5f, -0.5f, 9f};
        assertEquals(0.25, AudioLevels.meanSquare(s, 1, 4), 1e-12);
        assertEquals(0.0, AudioLevels.meanSquare(s, 2, 0));
    }
}
