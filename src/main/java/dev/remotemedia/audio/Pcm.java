package dev.remotemedia.audio;

/** PCM sample conversions (little-endian signed 16-bit ⇄ float32 in [-1, 1]) and channel mixing. */
public final class Pcm {
    private Pcm() {}

    public static float[] fromPcm16(byte[] bytes) {
        return fromPcm16(bytes, 0, bytes.length);
    }

    public static float[] fromPcm16(byte[] bytes, int offset, int length) {
        float[] out = new float[length / 2];
        fromPcm16(bytes, offset, length, out, 0);
        return out;
    }

    /** Decodes into an existing array (no allocation: for per-callback media paths). */
    public static void fromPcm16(byte[] bytes, int offset, int length, float[] out, int outOffset) {
        for (int i = 0; i < length / 2; i++) {
            int lo = bytes[offset + 2 * i] & 0xff;
            int hi = bytes[offset + 2 * i + 1];
            out[outOffset + i] = (short) ((hi << 8) | lo) / 32768f;
        }
    }

    /** Decodes little-endian PCM16 read in place (a protobuf field's buffer), without copying the bytes first. */
    public static float[] fromPcm16(java.nio.ShortBuffer pcm) {
        float[] out = new float[pcm.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = pcm.get(i) / 32768f;
        return out;
    }

    public static byte[] toPcm16(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            float f = samples[i] * 32767f;
            // round half away from zero, then clamp (cheaper than Math.round on this hot path)
            int v = (int) (f + (f >= 0 ? 0.5f : -0.5f));
            v = v > 32767 ? 32767 : Math.max(v, -32768);
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >> 8);
        }
        return out;
    }

    /** Averages interleaved channels to mono; returns the input when it is already mono. */
    public static float[] toMono(float[] interleaved, int channels) {
        if (channels == 1) return interleaved;
        float[] out = new float[interleaved.length / channels];
        for (int i = 0; i < out.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += interleaved[i * channels + c];
            out[i] = sum / channels;
        }
        return out;
    }
}
