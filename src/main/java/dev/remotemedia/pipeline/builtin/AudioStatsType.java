package dev.remotemedia.pipeline.builtin;

import dev.remotemedia.audio.AudioLevels;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.FrameNode;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.SpeechSegment;

import java.util.Set;
import java.util.function.Consumer;

/**
 * `AudioStats`: a `result` event with duration_ms, rms_dbfs, peak_dbfs and samples for each speech
 * segment or audio frame. Light and deterministic: the remote-path tests and demos use it as the
 * "heavy" node. Input frames pass through.
 */
public final class AudioStatsType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.oneOf("apply_to", "segment", "audio").defaultValue("segment")
                    .doc("measure each speech segment, or each incoming audio frame"),
            ParamSpec.bool("pass_through").defaultValue(true)
                    .doc("forward the measured frames downstream as well"));

    @Override public String name() { return "AudioStats"; }
    @Override public String description() { return "Level statistics (duration, RMS and peak dBFS) per segment or audio frame"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.SEGMENT, FrameKind.AUDIO); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.EVENT, FrameKind.SEGMENT, FrameKind.AUDIO); }

    @Override
    public Node create(NodeContext context, Params params) {
        FrameKind target = "audio".equals(params.string("apply_to")) ? FrameKind.AUDIO : FrameKind.SEGMENT;
        boolean passThrough = params.bool("pass_through");
        return new FrameNode(context) {
            @Override protected Set<FrameKind> consumes() { return Set.of(target); }

            @Override
            protected void onFrame(Frame frame, Consumer<Frame> out) {
                out.accept(stats(context.nodeId(), frame));
                if (passThrough) out.accept(frame);
            }
        };
    }

    /** The `result` event for one frame (public: `bench remote`'s raw baseline does the same work without the framework). */
    public static EventFrame stats(String nodeId, Frame frame) {
        AudioFrame audio = frame instanceof SpeechSegment s ? s.audio() : (AudioFrame) frame;
        AudioLevels l = AudioLevels.of(audio.samples(), audio.sampleRate(), audio.channels());
        var f = Events.fields().put("node", nodeId).put("kind", "audio_stats");
        if (frame instanceof SpeechSegment s) {
            f.put("segment", s.id()).put("start_ms", s.startMs()).put("end_ms", s.endMs());
        }
        f.put("duration_ms", round(l.durationMs())).put("rms_dbfs", round(l.rmsDbfs()))
                .put("peak_dbfs", round(l.peakDbfs())).put("samples", l.samples());
        return new EventFrame("result", frame.tMs(), f);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
