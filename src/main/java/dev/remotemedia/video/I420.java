package dev.remotemedia.video;

import java.nio.ByteBuffer;

/**
 * I420 (what libwebrtc decodes to) to packed RGB, scaled down in the same pass by picking the
 * nearest source pixel: only the pixels kept are read, so a 1080p frame sampled to 320×180 costs
 * 58k conversions, not 2M. BT.601 limited range, as WebRTC's software decoders produce.
 */
public final class I420 {
    private I420() {}

    public static byte[] toRgb(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV,
                               int width, int height, int outW, int outH) {
        byte[] rgb = new byte[outW * outH * 3];
        for (int oy = 0; oy < outH; oy++) {
            int sy = Math.min(height - 1, (int) ((oy + 0.5) * height / outH));
            for (int ox = 0; ox < outW; ox++) {
                int sx = Math.min(width - 1, (int) ((ox + 0.5) * width / outW));
                int yy = (y.get(sy * strideY + sx) & 0xff) - 16;
                int uu = (u.get((sy / 2) * strideU + sx / 2) & 0xff) - 128;
                int vv = (v.get((sy / 2) * strideV + sx / 2) & 0xff) - 128;
                int c = 298 * yy + 128; // fixed point, 8 fraction bits
                int o = (oy * outW + ox) * 3;
                rgb[o] = clamp((c + 409 * vv) >> 8);
                rgb[o + 1] = clamp((c - 100 * uu - 208 * vv) >> 8);
                rgb[o + 2] = clamp((c + 516 * uu) >> 8);
            }
        }
        return rgb;
    }

    /** The (Y, U, V) of an RGB colour, BT.601 limited range: what a y4m test video is written with. */
    public static int[] yuv(int r, int g, int b) {
        int y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
        int u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
        int v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
        return new int[] {y, u, v};
    }

    private static byte clamp(int v) {
        return (byte) Math.max(0, Math.min(255, v));
    }
}
