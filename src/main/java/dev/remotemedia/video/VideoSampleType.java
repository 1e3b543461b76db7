package dev.remotemedia.video;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.FrameNode;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;

import java.util.Set;
import java.util.function.Consumer;

/**
 * `VideoSample`: the pipeline's camera input. Its presence is what makes a WebRTC session take the
 * video track: frames are sampled at {@code fps} and scaled to fit {@code max_width} ×
 * {@code max_height} before they enter the pipeline, and only the newest waits while the pipeline
 * is busy with the previous one. Images from elsewhere (a gRPC client) are held to the same rate and size here.
 * Raw microphone audio stops here unless {@code pass_audio}; segments, text and events pass.
 */
public final class VideoSampleType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.number("fps").defaultValue(2.0).min(0.1).max(30).doc("camera frames per second sent into the pipeline"),
            ParamSpec.integer("max_width").defaultValue(640).min(16).max(ImageFrame.MAX_SIDE).doc("frames are scaled down to fit this width (aspect kept)"),
            ParamSpec.integer("max_height").defaultValue(480).min(16).max(ImageFrame.MAX_SIDE).doc("and this height"),
            ParamSpec.integer("busy_timeout_ms").defaultValue(5000).min(100).max(600_000)
                    .doc("a frame the pipeline has not answered by then no longer holds back the next"),
            ParamSpec.bool("pass_audio").defaultValue(false)
                    .doc("forward the raw microphone audio too (off: a camera branch must not echo the microphone back)"));

    /** What the session's video sink needs to know. */
    public record Settings(double fps, int maxWidth, int maxHeight, long busyTimeoutMs) {
        long periodNanos() { return (long) (1e9 / fps); }
    }

    @Override public String name() { return "VideoSample"; }
    @Override public String description() { return "Camera frames into the pipeline: sampled (fps), scaled to fit, newest only while busy"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.IMAGE, FrameKind.AUDIO); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.IMAGE); }

    @Override
    public Node create(NodeContext context, Params p) {
        return new VideoSampleNode(context, new Settings(p.number("fps"), p.integer("max_width"), p.integer("max_height"), p.longValue("busy_timeout_ms")),
                p.bool("pass_audio"));
    }

    /** The node instance: a session's transport asks it for {@link #settings()}. */
    public static final class VideoSampleNode extends FrameNode {
        private final Settings settings;
        private final boolean passAudio;
        private long lastKeptMs = Long.MIN_VALUE;

        VideoSampleNode(NodeContext context, Settings settings, boolean passAudio) {
            super(context);
            this.settings = settings;
            this.passAudio = passAudio;
        }

        public Settings settings() { return settings; }

        @Override
        protected Set<FrameKind> consumes() {
            return Set.of(FrameKind.IMAGE, FrameKind.AUDIO);
        }

        @Override
        protected void onFrame(Frame frame, Consumer<Frame> out) {
            if (!(frame instanceof ImageFrame)) {
                if (passAudio) out.accept(frame);
                return;
            }
            ImageFrame image = (ImageFrame) frame;
            // half a period of slack: frames the WebRTC sink already sampled at this rate always pass
            if (lastKeptMs != Long.MIN_VALUE && image.tMs() - lastKeptMs < 500 / settings.fps()) return;
            lastKeptMs = image.tMs();
            int[] size = ImageFrame.fit(image.width(), image.height(), settings.maxWidth(), settings.maxHeight());
            out.accept(image.width() <= settings.maxWidth() && image.height() <= settings.maxHeight() ? image : image.resized(size[0], size[1]));
        }
    }
}
