package dev.remotemedia.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a load run passed: nothing lost or duplicated, no more input audio shed by the local
 * instance (its own remotemedia_frames_dropped_total) than the tolerance, and no fewer segments cut
 * than the audio held (counted offline with the same VAD) beyond the tolerance.
 *
 * @param expected segments the input held for all sessions (-1 = unknown)
 * @param framesSent 10 ms frames the clients sent (-1 = not a WebRTC run)
 * @param framesShed frames the local instance counted as shed (-1 = unknown)
 */
record Verdict(long segmentsCut, long lost, long duplicated, long expected, long framesSent, long framesShed, double tolerancePercent) {
    List<String> failures() {
        List<String> f = new ArrayList<>();
        double tol = tolerancePercent / 100.0;
        if (segmentsCut == 0) f.add("no segment was cut");
        if (lost > 0) f.add(lost + " segment(s) lost");
        if (duplicated > 0) f.add(duplicated + " segment(s) duplicated");
        if (framesShed > 0 && framesSent > 0 && framesShed > tol * framesSent) {
            f.add(String.format("the local instance shed %d of %d input frames (%.1f %%)", framesShed, framesSent, 100.0 * framesShed / framesSent));
        }
        if (framesSent > 0 && framesShed < 0) f.add("could not read remotemedia_frames_dropped_total from the local instance: shed audio unknown");
        if (expected > 0 && segmentsCut < expected * (1 - tol)) {
            f.add("only " + segmentsCut + " segments cut where the audio held " + expected);
        }
        return f;
    }
}
