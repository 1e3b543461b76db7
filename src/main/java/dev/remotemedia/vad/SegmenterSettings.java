package dev.remotemedia.vad;

/** Silero's get_speech_timestamps parameters, in samples at the VAD rate. */
public record SegmenterSettings(int sampleRate, int window, float threshold, float negThreshold,
                                long minSpeech, long minSilence, long pad, long maxSpeech, long minSilenceAtMaxSpeech) {

    public static SegmenterSettings of(int sampleRate, double threshold, Double negThreshold, int minSpeechMs,
                                       int minSilenceMs, int padMs, double maxSpeechS) {
        int window = sampleRate == 16000 ? 512 : 256;
        long pad = (long) sampleRate * padMs / 1000;
        float neg = (float) (negThreshold != null ? negThreshold : Math.max(threshold - 0.15, 0.01));
        long maxSpeech = (long) (sampleRate * maxSpeechS) - window - 2 * pad;
        return new SegmenterSettings(sampleRate, window, (float) threshold, neg, (long) sampleRate * minSpeechMs / 1000,
                (long) sampleRate * minSilenceMs / 1000, pad, Math.max(window, maxSpeech), (long) sampleRate * 98 / 1000);
    }
}
