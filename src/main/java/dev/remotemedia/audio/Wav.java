package dev.remotemedia.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE reading (PCM 8/16/24/32-bit and IEEE float32, any channel count, WAVE_FORMAT_EXTENSIBLE)
 * and PCM16 writing. Malformed files raise {@link IllegalArgumentException} saying what is wrong.
 */
public final class Wav {
    private Wav() {}

    /** Decoded audio: interleaved float samples. */
    public record Audio(float[] samples, int sampleRate, int channels) {
        public float[] mono() { return Pcm.toMono(samples, channels); }

        public double durationMs() { return samples.length / (double) channels * 1000.0 / sampleRate; }
    }

    public static Audio read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    public static Audio read(byte[] data, String name) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException(name + ": not a WAV file (no RIFF/WAVE header)");
        }
        int pos = 12;
        int format = -1, channels = 0, rate = 0, bits = 0;
        while (pos + 8 <= data.length) {
            int id = b.getInt(pos);
            long size = b.getInt(pos + 4) & 0xffffffffL;
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                if (size < 16 || body + 16 > data.length) throw new IllegalArgumentException(name + ": truncated fmt chunk");
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (format == 0xFFFE && size >= 26) format = b.getShort(body + 24) & 0xffff; // extensible: sub-format
            } else if (id == 0x61746164) { // "data"
                if (format < 0) throw new IllegalArgumentException(name + ": data chunk before fmt chunk");
                int length = (int) Math.min(size, data.length - body); // tolerate streaming writers' sizes
                return new Audio(decode(data, body, length, format, bits, name), check(rate, name), check(channels, name));
            }
            pos = (int) Math.min(data.length, body + size + (size & 1));
        }
        throw new IllegalArgumentException(name + ": no data chunk");
    }

    private static int check(int v, String name) {
        if (v <= 0) throw new IllegalArgumentException(name + ": invalid sample rate or channel count " + v);
        return v;
    }

    private static float[] decode(byte[] d, int off, int len, int format, int bits, String name) {
        ByteBuffer b = ByteBuffer.wrap(d, off, len).order(ByteOrder.LITTLE_ENDIAN);
        if (format == 1 && bits == 16) return Pcm.fromPcm16(d, off, len - len % 2);
        int bytes = bits / 8;
        if (bytes == 0) throw new IllegalArgumentException(name + ": unsupported bits per sample " + bits);
        float[] out = new float[len / bytes];
        for (int i = 0; i < out.length; i++) {
            int p = off + i * bytes;
            out[i] = switch (format * 100 + bits) {
                case 108 -> ((d[p] & 0xff) - 128) / 128f;
                case 124 -> ((d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | d[p + 2] << 16) / 8388608f;
                case 132 -> b.getInt(p) / 2147483648f;
                case 332 -> b.getFloat(p);
                default -> throw new IllegalArgumentException(name + ": unsupported WAV encoding (format " + format
                        + ", " + bits + " bits); use PCM 8/16/24/32-bit or float32");
            };
        }
        return out;
    }

    public static byte[] pcm16(float[] samples, int sampleRate, int channels) {
        byte[] pcm = Pcm.toPcm16(samples);
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt(36 + pcm.length).putInt(0x45564157);
        h.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        h.putInt(0x61746164).putInt(pcm.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(44 + pcm.length);
        out.writeBytes(h.array());
        out.writeBytes(pcm);
        return out.toByteArray();
    }

    public static void write(Path file, float[] samples, int sampleRate, int channels) throws IOException {
        Files.write(file, pcm16(samples, sampleRate, channels));
    }
}
