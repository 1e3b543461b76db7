package dev.remotemedia.video;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoFrameBuffer;
import dev.remotemedia.grpc.FrameCodec;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.Image;
import dev.remotemedia.grpc.v1.ImageFormat;
import dev.remotemedia.onnx.ColourModel;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camera frames: I420 to RGB, images on the wire (RGB24 and JPEG), and the newest-only rule of the session's video sink. */
class VideoFramesTest {

    /** A solid-colour I420 frame in plain Java buffers, counting its releases. */
    static class SolidI420 implements I420Buffer {
        final int width, height;
        final ByteBuffer y, u, v;
        int releases;

        SolidI420(int width, int height, int r, int g, int b) {
            this.width = width;
            this.height = height;
            int[] yuv = I420.yuv(r, g, b);
            y = fill(width * height, yuv[0]);
            u = fill((width / 2) * (height / 2), yuv[1]);
            v = fill((width / 2) * (height / 2), yuv[2]);
        }

        private static ByteBuffer fill(int n, int value) {
            ByteBuffer b = ByteBuffer.allocateDirect(n);
            for (int i = 0; i < n; i++) b.put((byte) value);
            return b.flip();
        }

        @Override public ByteBuffer getDataY() { return y.slice(); }
        @Override public ByteBuffer getDataU() { return u.slice(); }
        @Override public ByteBuffer getDataV() { return v.slice(); }
        @Override public int getStrideY() { return width; }
        @Override public int getStrideU() { return width / 2; }
        @Override public int getStrideV() { return width / 2; }
        @Override public int getWidth() { return width; }
        @Override public int getHeight() { return height; }
        @Override public I420Buffer toI420() { return this; }
        @Override public VideoFrameBuffer cropAndScale(int x, int y, int w, int h, int sw, int sh) { throw new UnsupportedOperationException(); }
        @Override public void retain() { }
        @Override public void release() { releases++; }
    }

    @Test
    void i420ConvertsBackToTheColoursItWasWrittenWith() {
        for (int[] c : ColourModel.RGB) {
            SolidI420 b = new SolidI420(64, 48, c[0], c[1], c[2]);
            byte[] rgb = I420.toRgb(b.getDataY(), 64, b.getDataU(), 32, b.getDataV(), 32, 64, 48, 20, 16);
            assertEquals(20 * 16 * 3, rgb.length, "scaled in the same pass");
            for (int ch = 0; ch < 3; ch++) assertEquals(c[ch], rgb[ch] & 0xff, 3, "channel " + ch + " of " + java.util.Arrays.toString(c));
        }
    }

    private static ImageFrame gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int o = (y * w + x) * 3;
            rgb[o] = (byte) (x * 255 / w);
            rgb[o + 1] = (byte) (y * 255 / h);
            rgb[o + 2] = (byte) 128;
        }
        return new ImageFrame(9, w, h, rgb, 4500);
    }

    @Test
    void imagesCrossTheWireAsRgbExactlyAndAsJpegClosely() {
        ImageFrame frame = gradient(160, 120);
        ImageFrame raw = (ImageFrame) FrameCodec.decode(FrameCodec.encode(frame, 1, ImageFormat.RGB24));
        assertEquals(9, raw.id());
        assertEquals(4500, raw.tMs());
        assertTrue(java.util.Arrays.equals(frame.rgb(), raw.rgb()), "RGB24 is lossless");
        DataFrame jpegFrame = FrameCodec.encode(frame, 1, ImageFormat.JPEG);
        assertTrue(jpegFrame.getImage().getData().size() < frame.rgb().length / 4, "JPEG is much smaller: " + jpegFrame.getImage().getData().size());
        ImageFrame jpeg = (ImageFrame) FrameCodec.decode(jpegFrame);
        double error = 0;
        for (int i = 0; i < frame.rgb().length; i++) error += Math.abs((frame.rgb()[i] & 0xff) - (jpeg.rgb()[i] & 0xff));
        assertTrue(error / frame.rgb().length < 3, "mean absolute error per channel " + error / frame.rgb().length);
    }

    @Test
    void malformedImagesAreRejectedNamingTheField() {
        var wrongSize = DataFrame.newBuilder().setImage(Image.newBuilder().setWidth(4).setHeight(4).setData(com.google.protobuf.ByteString.copyFrom(new byte[47]))).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(wrongSize)).getMessage().contains("image.data: 4x4 RGB24 is 48 bytes, got 47"));
        var huge = DataFrame.newBuilder().setImage(Image.newBuilder().setWidth(100_000).setHeight(1)).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(huge)).getMessage().contains("image.width/height"));
        var garbage = DataFrame.newBuilder().setImage(Image.newBuilder().setWidth(8).setHeight(8).setFormat(ImageFormat.JPEG)
                .setData(com.google.protobuf.ByteString.copyFromUtf8("not a jpeg at all"))).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(garbage)).getMessage().startsWith("image.data:"));
        // a real JPEG whose declared size is not the frame's: refused before it is decoded
        DataFrame jpeg = FrameCodec.encode(gradient(64, 64), 1, ImageFormat.JPEG);
        var lying = jpeg.toBuilder().setImage(jpeg.getImage().toBuilder().setWidth(8).setHeight(8)).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(lying)).getMessage().contains("the JPEG is 64x64, the frame says 8x8"));
    }

    @Test
    void whileThePipelineIsBusyOnlyTheNewestFrameWaitsAndEveryNativeFrameIsReleased() {
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.globalRegistry.add(metrics); // outside Quarkus the global registry has no backend
        try {
            busyPipeline();
        } finally {
            io.micrometer.core.instrument.Metrics.globalRegistry.remove(metrics);
        }
    }

    private void busyPipeline() {
        List<ImageFrame> pushed = new ArrayList<>();
        double dropped0 = Telemetry.videoFrames("dropped").count(), sampled0 = Telemetry.videoFrames("sampled").count();
        var input = new VideoInput(new VideoSampleType.Settings(1e6, 32, 32, 60_000), pushed::add, () -> 1000);
        List<SolidI420> buffers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SolidI420 b = new SolidI420(64, 48, 0, 0, 255);
            buffers.add(b);
            input.onVideoFrame(new VideoFrame(b, 0));
        }
        assertEquals(1, pushed.size(), "the first goes in; the rest wait for it, newest only");
        assertEquals(32, pushed.get(0).width(), "scaled to fit 32 wide");
        assertEquals(24, pushed.get(0).height(), "aspect kept");
        assertEquals(3, Telemetry.videoFrames("dropped").count() - dropped0, "frames 2, 3 and 4 were replaced by newer ones");
        assertEquals(5, Telemetry.videoFrames("sampled").count() - sampled0);
        input.done(1);
        assertEquals(2, pushed.size());
        assertEquals(5, pushed.get(1).id(), "the newest waiting frame goes in when the pipeline answers");
        input.done(5);
        assertEquals(2, pushed.size(), "nothing was waiting");
        for (SolidI420 b : buffers) assertEquals(1, b.releases, "each native frame released once");

        // a frame whose planes do not hold what its size says: dropped and released, nothing thrown into libwebrtc's thread
        SolidI420 broken = new SolidI420(64, 48, 0, 0, 0) {
            @Override public int getStrideY() { return 4096; }
        };
        double droppedBefore = Telemetry.videoFrames("dropped").count();
        input.onVideoFrame(new VideoFrame(broken, 0));
        assertEquals(1, broken.releases, "released");
        assertEquals(1, Telemetry.videoFrames("dropped").count() - droppedBefore, "counted dropped");
        assertEquals(2, pushed.size(), "nothing went into the pipeline");
    }
}
