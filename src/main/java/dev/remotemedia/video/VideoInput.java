package dev.remotemedia.video;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One session's camera: a sink on the browser's video track. Every decoded frame is counted;
 * one per period is converted (scaled to fit, to RGB) on the decoder's thread and offered to the
 * pipeline. Video is never queued: while the pipeline has not answered the previous frame, a newer
 * sampled frame replaces the one waiting (counted dropped). The native frame is released on every path.
 */
public final class VideoInput implements VideoTrackSink {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(VideoInput.class);
    private final VideoSampleType.Settings settings;
    private final Consumer<ImageFrame> push;
    private final LongSupplier sessionMs;
    private final Counter received = Telemetry.videoFrames("received");
    private final Counter sampled = Telemetry.videoFrames("sampled");
    private final Counter dropped = Telemetry.videoFrames("dropped");
    private long lastSampledNanos;
    private int nextId;
    private int inFlight;          // the frame the pipeline is working on (0 = none)
    private long inFlightSinceNanos;
    private ImageFrame waiting;    // the newest sampled frame, held while busy
    private volatile boolean closed;

    /**
     * @param push      hands a frame to the session's pipeline input (serialised with its audio)
     * @param sessionMs the session clock, for the frame's time
     */
    public VideoInput(VideoSampleType.Settings settings, Consumer<ImageFrame> push, LongSupplier sessionMs) {
        this.settings = settings;
        this.push = push;
        this.sessionMs = sessionMs;
    }

    @Override
    public void onVideoFrame(VideoFrame frame) {
        try {
            received.increment();
            if (closed) return;
            long now = System.nanoTime();
            synchronized (this) {
                if (lastSampledNanos != 0 && now - lastSampledNanos < settings.periodNanos()) return;
                lastSampledNanos = now;
            }
            I420Buffer b = frame.buffer.toI420();
            int[] size = ImageFrame.fit(b.getWidth(), b.getHeight(), settings.maxWidth(), settings.maxHeight());
            byte[] rgb = I420.toRgb(b.getDataY(), b.getStrideY(), b.getDataU(), b.getStrideU(), b.getDataV(), b.getStrideV(),
                    b.getWidth(), b.getHeight(), size[0], size[1]);
            sampled.increment();
            offer(rgb, size[0], size[1]);
        } catch (RuntimeException e) { // a frame we cannot read is dropped; an exception must not reach libwebrtc's thread
            dropped.increment();
            LOG.debugf("camera frame dropped: %s", e.toString());
        } finally {
            frame.release(); // the sink's frame is a copy libwebrtc-java retained for us
        }
    }

    private void offer(byte[] rgb, int w, int h) {
        ImageFrame image;
        synchronized (this) {
            image = new ImageFrame(++nextId, w, h, rgb, sessionMs.getAsLong());
            boolean busy = inFlight != 0 && System.nanoTime() - inFlightSinceNanos < settings.busyTimeoutMs() * 1_000_000;
            if (busy) {
                if (waiting != null) dropped.increment();
                waiting = image;
                return;
            }
            if (waiting != null) { // the previous frame timed out: the one waiting is older than this
                dropped.increment();
                waiting = null;
            }
            inFlight = image.id();
            inFlightSinceNanos = System.nanoTime();
        }
        push.accept(image);
    }

    /** The pipeline answered frame {@code id} (its result, its error, or the frame itself at the end): the newest waiting goes in. */
    public void done(int id) {
        ImageFrame next;
        synchronized (this) {
            if (inFlight == 0 || id < inFlight) return;
            next = waiting;
            waiting = null;
            inFlight = next == null ? 0 : next.id();
            inFlightSinceNanos = System.nanoTime();
        }
        if (next != null && !closed) push.accept(next);
    }

    public void close() {
        closed = true;
    }
}
