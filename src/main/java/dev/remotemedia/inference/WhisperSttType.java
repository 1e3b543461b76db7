package dev.remotemedia.inference;

import dev.remotemedia.audio.Pcm;
import dev.remotemedia.audio.Resampler;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.AsyncFrameNode;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * `WhisperSTT`: each speech segment → a `transcript` event (and a text frame for a TTS node
 * downstream). Segments longer than 30 s are cut into 30 s windows. Windows of concurrent streams
 * are batched per model ({@link WhisperBatcher}).
 */
public final class WhisperSttType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.string("model").defaultValue("whisper-tiny.en")
                    .doc("catalogue name (models list), a folder, or an s3:// / https:// prefix holding the export"),
            ParamSpec.string("language").defaultValue("auto")
                    .doc("language code (en, de, …) or auto to detect it per segment (multilingual models)"),
            ParamSpec.oneOf("task", "transcribe", "translate").defaultValue("transcribe").doc("translate = into English"),
            ParamSpec.oneOf("device", "", "auto", "cuda", "cpu").defaultValue("")
                    .doc("where the model runs; empty = remotemedia.models.device"),
            ParamSpec.integer("threads").defaultValue(0).min(0).max(256).doc("ONNX Runtime intra-op threads (0 = its default)"),
            ModelStore.variantParam("which export of the model folder to load (model_fp16.onnx, …); auto = the first present, fp32 first"),
            ParamSpec.integer("max_batch").defaultValue(8).min(1).max(64).doc("most windows decoded together"),
            ParamSpec.integer("max_wait_ms").defaultValue(10).min(0).max(1000).doc("how long a window waits for others to batch with"),
            ParamSpec.integer("max_new_tokens").defaultValue(224).min(1).max(444).doc("longest text per 30 s window, in tokens"),
            ParamSpec.integer("timeout_ms").defaultValue(60000).min(100).max(600000).doc("longest wait for one segment's transcript"),
            ParamSpec.bool("emit_text").defaultValue(true).doc("also pass the text downstream (e.g. to a TTS node)"));

    @Override public String name() { return "WhisperSTT"; }
    @Override public String description() { return "Speech to text with Whisper (ONNX Runtime, KV-cache greedy decoding, dynamic batching)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.SEGMENT); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.EVENT, FrameKind.TEXT); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        String lang = p.string("language");
        if (!lang.equals("auto") && !lang.matches("[a-z]{2,3}|haw|yue")) {
            errors.add(where + ".language: a language code such as en or de, or auto; got \"" + lang + "\"");
        }
    }

    @Override
    public Node create(NodeContext context, Params p) {
        ModelStore store = ModelStore.of(context.shared());
        String device = p.string("device").isEmpty() ? store.defaultDevice() : p.string("device");
        Path dir = store.resolve(p.string("model"), WhisperModel.files(p.string("variant")));
        int threads = p.integer("threads");
        WhisperModel model = context.shared().get("whisper:" + dir + ":" + device + ":" + threads + ":" + p.string("variant"), WhisperModel.class,
                () -> WhisperModel.load(dir, device, threads, p.string("variant")));
        WhisperBatcher batcher = context.shared().get("whisper-batcher:" + dir + ":" + device + ":" + threads + ":" + p.string("variant") + ":"
                + p.integer("max_batch") + ":" + p.integer("max_wait_ms"), WhisperBatcher.class,
                () -> new WhisperBatcher(model, p.integer("max_batch"), p.integer("max_wait_ms"), context.threads()));
        String language = p.string("language").equals("auto") ? null : p.string("language");
        if (language != null && model.multilingual() && !model.languages().contains(language)) {
            throw new PipelineException(ErrorKind.InvalidInput, context.nodeId(), "language \"" + language + "\" is not one of "
                    + p.string("model") + "'s languages");
        }
        return new WhisperNode(context, batcher, language, p.string("task"), p.integer("max_new_tokens"),
                p.longValue("timeout_ms"), p.bool("emit_text"), p.string("model"));
    }

    /**
     * The per-session node: resamples, windows, hands the windows to the batcher and returns; the
     * transcript is emitted when the batch completes (the media thread is free meanwhile, so a
     * batch can hold the windows of more sessions than there are media threads).
     */
    static final class WhisperNode extends AsyncFrameNode {
        private final WhisperBatcher batcher;
        private final String language;
        private final String task;
        private final int maxNewTokens;
        private final long timeoutMs;
        private final boolean emitText;
        private final String modelName;

        WhisperNode(NodeContext context, WhisperBatcher batcher, String language, String task, int maxNewTokens,
                    long timeoutMs, boolean emitText, String modelName) {
            super(context);
            this.batcher = batcher;
            this.language = language;
            this.task = task;
            this.maxNewTokens = maxNewTokens;
            this.timeoutMs = timeoutMs;
            this.emitText = emitText;
            this.modelName = modelName;
        }

        @Override protected Set<FrameKind> consumes() { return Set.of(FrameKind.SEGMENT); }

        @Override
        protected CompletionStage<?> start(Frame frame, Consumer<Frame> out) {
            SpeechSegment s = (SpeechSegment) frame;
            float[] mono = Pcm.toMono(s.audio().samples(), s.audio().channels());
            float[] audio = Resampler.resample(mono, s.audio().sampleRate(), LogMel.SAMPLE_RATE);
            if (audio.length == 0) throw new PipelineException(ErrorKind.InvalidInput, context.nodeId(), "segment " + s.id() + " has no audio");
            long t0 = System.nanoTime();
            List<CompletableFuture<WhisperBatcher.Result>> parts = new ArrayList<>();
            for (int off = 0; off < audio.length; off += LogMel.CHUNK_SAMPLES) {
                float[] window = Arrays.copyOfRange(audio, off, Math.min(audio.length, off + LogMel.CHUNK_SAMPLES));
                parts.add(batcher.submit(window, language, task, maxNewTokens));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
            // the deadline runs on the media path's timer (not CompletableFuture's own delayer thread)
            var timeout = context.threads().timer().schedule(() -> all.completeExceptionally(new PipelineException(ErrorKind.NodeFailed,
                    context.nodeId(), "segment " + s.id() + ": no transcript within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
            return all.handle((v, e) -> {
                timeout.cancel(false);
                if (e != null) throw failure(e, s.id());
                emit(s, parts.stream().map(CompletableFuture::join).toList(), audio.length, System.nanoTime() - t0, out);
                return null;
            });
        }

        private void emit(SpeechSegment s, List<WhisperBatcher.Result> parts, int samples, long nanos, Consumer<Frame> out) {
            double seconds = nanos / 1e9;
            double audioSeconds = samples / (double) LogMel.SAMPLE_RATE;
            StringBuilder text = new StringBuilder();
            double logprob = 0, noSpeech = 0;
            int tokens = 0, maxBatch = 0;
            for (WhisperBatcher.Result r : parts) {
                if (!r.transcript().text().isEmpty()) text.append(text.isEmpty() ? "" : " ").append(r.transcript().text());
                logprob += r.transcript().avgLogprob() / parts.size();
                noSpeech = Math.max(noSpeech, r.transcript().noSpeechProb());
                tokens += r.transcript().tokens();
                maxBatch = Math.max(maxBatch, r.batchSize());
            }
            var f = Events.fields().put("segment", s.id()).put("node", context.nodeId()).put("text", text.toString())
                    .put("language", parts.get(0).transcript().language()).put("avg_logprob", round(logprob))
                    .put("no_speech_prob", round(noSpeech)).put("tokens", tokens).put("audio_ms", Math.round(audioSeconds * 1000))
                    .put("inference_ms", Math.round(seconds * 1000)).put("rtf", round(seconds / audioSeconds))
                    .put("batch_size", maxBatch).put("model", modelName).put("device", batcher.model().device());
            out.accept(new EventFrame("transcript", s.endMs(), f));
            if (emitText && !text.isEmpty()) out.accept(new TextFrame(text.toString(), s.id(), s.endMs()));
        }

        private PipelineException failure(Throwable e, int segment) {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (c instanceof PipelineException pe) return new PipelineException(pe.kind(), context.nodeId(), pe.getMessage());
            return new PipelineException(ErrorKind.NodeFailed, context.nodeId(), "segment " + segment + ": " + c);
        }

        private static double round(double v) {
            return Math.round(v * 10000) / 10000.0;
        }
    }
}
