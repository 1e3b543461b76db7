package dev.remotemedia.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.remotemedia.audio.Pcm;
import dev.remotemedia.audio.Resampler;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** How one frame becomes the model's input tensors, as the spec's inputs say. */
final class OnnxFeeds {
    private OnnxFeeds() {}

    /** The constant inputs' tensors, made once per node. */
    static Map<String, OnnxModel.Feed> constants(OnnxModelSpec spec) {
        Map<String, OnnxModel.Feed> feeds = new HashMap<>();
        for (var in : spec.inputs()) {
            if (in.from().equals("constant")) feeds.put(in.name(), typed(in.shape(), Arrays.stream(in.value()).mapToLong(d -> (long) d).toArray(), in.type(), in.value()));
        }
        return Map.copyOf(feeds);
    }

    /**
     * @param state     per input name, the previous call's state output (recurrent models)
     * @param constants the constant inputs, from {@link #constants}
     * @param tokenizer the tokenizer for text inputs (null when there are none)
     */
    static Map<String, OnnxModel.Feed> of(OnnxModelSpec spec, Frame frame, Map<String, float[]> state, Map<String, OnnxModel.Feed> constants,
                                          HuggingFaceTokenizer tokenizer) {
        Map<String, OnnxModel.Feed> feeds = new HashMap<>(constants);
        long[] ids = null;
        for (var in : spec.inputs()) {
            switch (in.from()) {
                case "audio" -> {
                    AudioFrame audio = frame instanceof SpeechSegment s ? s.audio() : (AudioFrame) frame;
                    float[] mono = Pcm.toMono(audio.samples(), audio.channels());
                    float[] x = audio.sampleRate() == in.rate() ? mono : Resampler.resample(mono, audio.sampleRate(), in.rate());
                    feeds.put(in.name(), new OnnxModel.Feed(withLength(in.shape(), x.length), x, null));
                }
                case "image" -> feeds.put(in.name(), new OnnxModel.Feed(in.shape(), pixels((ImageFrame) frame, in.picture()), null));
                case "text", "text_mask", "text_type_ids" -> {
                    if (ids == null) ids = tokens(((TextFrame) frame).text(), tokenizer, in.maxTokens());
                    long[] v = in.from().equals("text") ? ids : new long[ids.length];
                    if (in.from().equals("text_mask")) Arrays.fill(v, 1);
                    feeds.put(in.name(), typed(withLength(in.shape(), v.length), v, in.type()));
                }
                case "constant" -> { } // made once: in constants
                default -> { // state: zeros until the model has produced one
                    float[] last = state.get(in.name());
                    feeds.put(in.name(), new OnnxModel.Feed(in.shape(), last != null ? last : new float[(int) Arrays.stream(in.shape()).reduce(1, (a, b) -> a * b)], null));
                }
            }
        }
        return feeds;
    }

    /** The picture scaled to the model's size, (x·scale − mean) / std per channel, in NCHW or NHWC, RGB or BGR. */
    static float[] pixels(ImageFrame image, OnnxModelSpec.Picture p) {
        ImageFrame f = image.resized(p.width(), p.height());
        int w = p.width(), h = p.height(), plane = w * h;
        float[] x = new float[plane * 3];
        byte[] rgb = f.rgb();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int source = p.bgr() ? 2 - c : c;
                float v = (float) (((rgb[i * 3 + source] & 0xff) * p.scale() - p.mean()[c]) / p.std()[c]);
                x[p.nhwc() ? i * 3 + c : c * plane + i] = v;
            }
        }
        return x;
    }

    private static long[] tokens(String text, HuggingFaceTokenizer tokenizer, int max) {
        long[] ids = tokenizer.encode(text).getIds();
        return ids.length > max ? Arrays.copyOf(ids, max) : ids;
    }

    private static long[] withLength(long[] shape, int n) {
        long[] s = shape.clone();
        for (int d = 0; d < s.length; d++) if (s[d] == -1) s[d] = n;
        return s;
    }

    private static OnnxModel.Feed typed(long[] shape, long[] v, String type) {
        return typed(shape, v, type, Arrays.stream(v).asDoubleStream().toArray());
    }

    private static OnnxModel.Feed typed(long[] shape, long[] longs, String type, double[] doubles) {
        if (type.equals("int64")) return new OnnxModel.Feed(shape, null, longs);
        float[] f = new float[doubles.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) doubles[i];
        return new OnnxModel.Feed(shape, f, null);
    }
}
