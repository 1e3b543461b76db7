package dev.remotemedia.pipeline.builtin;

import dev.remotemedia.audio.Pcm;
import dev.remotemedia.audio.Resampler;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.FrameNode;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;

import java.util.Set;
import java.util.function.Consumer;

/** `AudioResample`: any rate to any rate with a band-limited polyphase filter; optional downmix to mono. */
public final class AudioResampleType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.integer("target_rate").defaultValue(16000).min(8000).max(192000)
                    .doc("output sample rate in Hz"),
            ParamSpec.bool("mono").defaultValue(true)
                    .doc("average all channels into one before resampling"));

    @Override public String name() { return "AudioResample"; }
    @Override public String description() { return "Resamples audio frames (windowed-sinc polyphase, anti-aliased)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.AUDIO); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.AUDIO); }

    @Override
    public Node create(NodeContext context, Params params) {
        return new ResampleNode(context, params.integer("target_rate"), params.bool("mono"));
    }

    static final class ResampleNode extends FrameNode {
        private final int target;
        private final boolean mono;
        private Resampler[] resamplers;
        private int inputRate;
        private int channels;
        private long startMs;
        private long produced; // output frames emitted since startMs

        ResampleNode(NodeContext context, int target, boolean mono) {
            super(context);
            this.target = target;
            this.mono = mono;
        }

        @Override protected Set<FrameKind> consumes() { return Set.of(FrameKind.AUDIO); }

        @Override
        protected void onFrame(Frame frame, Consumer<Frame> out) {
            AudioFrame a = (AudioFrame) frame;
            int outChannels = mono ? 1 : a.channels();
            if (resamplers == null || a.sampleRate() != inputRate || outChannels != channels) {
                onEnd(out);
                inputRate = a.sampleRate();
                channels = outChannels;
                startMs = a.tMs();
                produced = 0;
                resamplers = new Resampler[channels];
                for (int c = 0; c < channels; c++) resamplers[c] = new Resampler(inputRate, target);
            }
            float[] in = mono ? Pcm.toMono(a.samples(), a.channels()) : a.samples();
            emit(out, channels == 1 ? resamplers[0].process(in) : perChannel(in, false));
        }

        @Override
        protected void onEnd(Consumer<Frame> out) {
            if (resamplers == null) return;
            emit(out, channels == 1 ? resamplers[0].flush() : perChannel(null, true));
            resamplers = null;
        }

        private float[] perChannel(float[] interleaved, boolean flush) {
            float[][] parts = new float[channels][];
            for (int c = 0; c < channels; c++) {
                if (flush) {
                    parts[c] = resamplers[c].flush();
                } else {
                    float[] ch = new float[interleaved.length / channels];
                    for (int i = 0; i < ch.length; i++) ch[i] = interleaved[i * channels + c];
                    parts[c] = resamplers[c].process(ch);
                }
            }
            int n = parts[0].length;
            float[] out = new float[n * channels];
            for (int i = 0; i < n; i++) for (int c = 0; c < channels; c++) out[i * channels + c] = parts[c][i];
            return out;
        }

        private void emit(Consumer<Frame> out, float[] samples) {
            if (samples.length == 0) return;
            long t = startMs + produced * 1000 / target;
            produced += samples.length / channels;
            out.accept(new AudioFrame(samples, target, channels, t));
        }
    }
}
