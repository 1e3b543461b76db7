package dev.remotemedia.pipeline;

/**
 * One picture: packed 8-bit RGB, row by row, no padding (a sampled camera frame, or an image a
 * client sent). Images are never queued behind each other: the video path keeps only the newest.
 *
 * @param id  1-based per session, in order (frames that were dropped leave gaps)
 * @param rgb width × height × 3 bytes, R G B per pixel
 */
public record ImageFrame(int id, int width, int height, byte[] rgb, long tMs) implements Frame {
    /** Largest side accepted anywhere (a 4K frame is 3840): bounds memory per frame at ≈ 50 MB. */
    public static final int MAX_SIDE = 4096;

    public ImageFrame {
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " outside 1.." + MAX_SIDE);
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("image " + width + "x" + height + " needs " + width * height * 3 + " RGB bytes, got " + rgb.length);
        }
    }

    @Override
    public FrameKind kind() { return FrameKind.IMAGE; }

    /** Red, green or blue (0..2) of pixel (x, y), 0..255. */
    public int channel(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** This picture scaled (bilinear) to exactly {@code w} × {@code h}; itself when already that size. */
    public ImageFrame resized(int w, int h) {
        if (w == width && h == height) return this;
        byte[] out = new byte[w * h * 3];
        double sx = (double) width / w, sy = (double) height / h;
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, height - 1), y1 = Math.min(y0 + 1, height - 1);
            double wy = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, width - 1), x1 = Math.min(x0 + 1, width - 1);
                double wx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double top = channel(x0, y0, c) * (1 - wx) + channel(x1, y0, c) * wx;
                    double bottom = channel(x0, y1, c) * (1 - wx) + channel(x1, y1, c) * wx;
                    out[(y * w + x) * 3 + c] = (byte) Math.round(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return new ImageFrame(id, w, h, out, tMs);
    }

    /** The size that fits inside {@code maxW} × {@code maxH} keeping the aspect ratio (never enlarges). */
    public static int[] fit(int width, int height, int maxW, int maxH) {
        double s = Math.min(1.0, Math.min((double) maxW / width, (double) maxH / height));
        return new int[] {Math.max(2, (int) Math.round(width * s) & ~1), Math.max(2, (int) Math.round(height * s) & ~1)};
    }
}
