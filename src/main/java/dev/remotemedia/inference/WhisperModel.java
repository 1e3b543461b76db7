package dev.remotemedia.inference;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Whisper export in the standard ONNX layout (encoder_model.onnx, decoder_model_merged.onnx with
 * the KV cache and its use_cache_branch switch, tokenizer.json, config.json, generation_config.json),
 * decoded greedily, a batch of up to 30 s windows at a time. One instance per model per process,
 * shared by every stream (OrtSession.run is thread-safe).
 */
public final class WhisperModel implements AutoCloseable {
    /** The files fetched from an https:// prefix (the onnx-community layout; s3:// prefixes are listed instead). */
    public static final List<String> FILES = files("fp32");

    /** The files of an export in {@code variant} (auto = fp32 names), for https:// prefixes. */
    public static List<String> files(String variant) {
        return List.of("onnx/" + ModelStore.variantFile("encoder_model", variant), "onnx/" + ModelStore.variantFile("decoder_model_merged", variant),
                "tokenizer.json", "config.json", "generation_config.json");
    }

    /** One decoded window; {@code tokenIds} are the generated ids before end-of-text. */
    public record Transcript(String text, String language, double avgLogprob, double noSpeechProb, List<Integer> tokenIds) {
        public int tokens() { return tokenIds.size(); }
    }

    private final OrtEnvironment env = OnnxSessions.environment();
    private final Path dir;
    private final WhisperConfig config;
    private final LogMel mel;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final String device;
    private final HuggingFaceTokenizer tokenizer;
    private final String encoderInput;
    private final boolean hasCacheSwitch;
    private final java.util.Set<String> decoderInputs;
    private final int layers;
    private final int heads;
    private final int headDim;
    // inference holds the read side, close the write side: sessions never close under a running batch
    private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private boolean closed;

    private WhisperModel(Path dir, String device, int threads, String variant) {
        this.dir = dir;
        this.config = WhisperConfig.load(dir);
        this.mel = new LogMel(config.melBins());
        OnnxSessions.Opened enc = OnnxSessions.open(ModelStore.modelFile(dir, "encoder_model", variant), device, threads);
        OnnxSessions.Opened dec = OnnxSessions.open(ModelStore.modelFile(dir, "decoder_model_merged", variant), device, threads);
        this.encoder = enc.session();
        this.decoder = dec.session();
        this.device = dec.device();
        try {
            this.tokenizer = Tokenizers.open(dir.resolve("tokenizer.json"));
            this.encoderInput = encoder.getInputNames().iterator().next();
            Map<String, NodeInfo> inputs = decoder.getInputInfo();
            this.hasCacheSwitch = inputs.containsKey("use_cache_branch");
            this.decoderInputs = java.util.Set.copyOf(inputs.keySet());
            int n = 0;
            while (inputs.containsKey("past_key_values." + n + ".decoder.key")) n++;
            if (n == 0 || !inputs.containsKey("input_ids") || !inputs.containsKey("encoder_hidden_states")) {
                throw new PipelineException(ErrorKind.ModelUnavailable, null, "Whisper model " + dir
                        + ": decoder_model_merged.onnx lacks input_ids / encoder_hidden_states / past_key_values.N.* inputs (export it with the KV cache, merged)");
            }
            this.layers = n;
            long[] shape = ((TensorInfo) inputs.get("past_key_values.0.decoder.key").getInfo()).getShape();
            this.heads = shape[1] > 0 ? (int) shape[1] : config.decoderHeads();
            this.headDim = shape[3] > 0 ? (int) shape[3] : config.headDim();
        } catch (OrtException | IOException e) {
            close();
            throw new PipelineException(ErrorKind.ModelUnavailable, null, "Whisper model " + dir + ": " + e.getMessage());
        }
    }

    /** Loads the model and runs one window of silence so the first real segment is not the slow one. */
    public static WhisperModel load(Path dir, String device, int threads) {
        return load(dir, device, threads, "auto");
    }

    /** @param variant fp32, fp16, quantized, … or auto (the first present, fp32 first) */
    public static WhisperModel load(Path dir, String device, int threads, String variant) {
        WhisperModel m = new WhisperModel(dir, device, threads, variant);
        m.transcribe(List.of(new float[LogMel.SAMPLE_RATE / 2]), null, "transcribe", 4);
        return m;
    }

    public String device() { return device; }

    public Path dir() { return dir; }

    public boolean multilingual() { return config.multilingual(); }

    /** Mel bins the encoder takes (80, or 128 for large-v3 and turbo): from config.json, never guessed. */
    public int melBins() { return config.melBins(); }

    public java.util.Set<String> languages() { return config.languages().keySet(); }

    /**
     * Transcribes a batch of windows (16 kHz mono, ≤ 30 s each) in one encoder run and one decoding loop.
     *
     * @param language a language code, or null to detect it per window (multilingual models)
     * @param task     transcribe or translate
     */
    public List<Transcript> transcribe(List<float[]> windows, String language, String task, int maxNewTokens) {
        return transcribeFeatures(windows.stream().map(this::features).toList(), language, task, maxNewTokens);
    }

    /** The log-mel features of one window; computed by the caller's thread so that a batch's front ends run in parallel. */
    public float[] features(float[] window) {
        float[] f = new float[config.melBins() * LogMel.FRAMES];
        mel.compute(window, f, 0);
        return f;
    }

    /** Like {@link #transcribe} on windows already turned into {@link #features}. */
    public List<Transcript> transcribeFeatures(List<float[]> windowFeatures, String language, String task, int maxNewTokens) {
        lock.readLock().lock();
        try {
            if (closed) throw new PipelineException(ErrorKind.ModelUnavailable, null, "Whisper model " + dir + " is shut down");
            return run(windowFeatures, language, task, maxNewTokens);
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<Transcript> run(List<float[]> windowFeatures, String language, String task, int maxNewTokens) {
        int b = windowFeatures.size();
        int featureSize = config.melBins() * LogMel.FRAMES;
        float[] features = new float[b * featureSize];
        for (int i = 0; i < b; i++) System.arraycopy(windowFeatures.get(i), 0, features, i * featureSize, featureSize);
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(features), new long[]{b, config.melBins(), LogMel.FRAMES});
             OrtSession.Result encoded = encoder.run(Map.of(encoderInput, input))) {
            return decode((OnnxTensor) encoded.get(0), b, language, task, maxNewTokens);
        } catch (OrtException e) {
            throw new PipelineException(ErrorKind.NodeFailed, null, "Whisper inference failed: " + e.getMessage());
        }
    }

    private List<Transcript> decode(OnnxTensor hidden, int b, String language, String task, int maxNewTokens) throws OrtException {
        String[] langs = new String[b];
        double[] noSpeech = new double[b];
        List<List<Integer>> generated = new ArrayList<>();
        for (int i = 0; i < b; i++) generated.add(new ArrayList<>());
        double[] sumLogprob = new double[b];
        boolean[] done = new boolean[b];

        OrtSession.Result first = null;
        OrtSession.Result last = null;
        try {
            // step 1: [sot] alone when the language must be detected, else the whole prompt
            boolean detect = config.multilingual() && language == null;
            long[][] prompt = new long[b][];
            for (int i = 0; i < b; i++) prompt[i] = detect ? new long[]{config.sot()} : promptFor(language, task);
            first = step(prompt, hidden, null, null);
            float[] logits = logitsOf(first);
            int v = vocab(first);
            int s = prompt[0].length;
            for (int i = 0; i < b; i++) {
                noSpeech[i] = config.noSpeech() >= 0 ? softmaxAt(logits, (long) (i * s) * v, v, config.noSpeech()) : 0;
            }
            int pastLen = s;
            OrtSession.Result kv = first;
            if (detect) {
                long[][] rest = new long[b][];
                for (int i = 0; i < b; i++) {
                    langs[i] = detectLanguage(logits, (long) (i * s) * v, v);
                    long[] p = promptFor(langs[i], task);
                    rest[i] = Arrays.copyOfRange(p, 1, p.length);
                }
                last = step(rest, hidden, first, first);
                kv = last;
                logits = logitsOf(last);
                s = rest[0].length;
                pastLen += s;
            } else {
                Arrays.fill(langs, config.multilingual() ? language : "en");
            }
            int budget = Math.min(maxNewTokens, config.maxTargetPositions() - pastLen);
            for (int n = 0; n < budget; n++) {
                long[][] next = new long[b][1];
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    long base = ((long) i * s + (s - 1)) * v;
                    int token;
                    if (done[i]) {
                        token = config.eot();
                    } else {
                        suppress(logits, base, v, n == 0);
                        token = argmax(logits, base, v);
                        sumLogprob[i] += logits[(int) (base + token)] - logSumExp(logits, base, v);
                        if (token == config.eot()) done[i] = true;
                        else generated.get(i).add(token);
                    }
                    next[i][0] = token;
                    all &= done[i];
                }
                if (all) break;
                OrtSession.Result r = step(next, hidden, kv, first);
                if (last != null && last != first) last.close();
                last = r;
                kv = r;
                logits = logitsOf(r);
                s = 1;
            }
        } finally {
            if (last != null && last != first) last.close();
            if (first != null) first.close();
        }
        List<Transcript> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            List<Integer> ids = generated.get(i);
            long[] text = ids.stream().filter(t -> t < config.eot()).mapToLong(Integer::longValue).toArray();
            String decoded = tokenizer.decode(text, true).trim();
            out.add(new Transcript(decoded, langs[i], sumLogprob[i] / (ids.size() + 1), noSpeech[i], List.copyOf(ids)));
        }
        return out;
    }

    private long[] promptFor(String language, String task) {
        List<Long> p = new ArrayList<>();
        p.add((long) config.sot());
        if (config.multilingual()) {
            Integer lang = config.languages().get(language);
            if (lang == null) throw new PipelineException(ErrorKind.InvalidInput, null, "language \"" + language + "\" is not one of this model's languages");
            p.add((long) lang);
            p.add((long) ("translate".equals(task) ? config.translate() : config.transcribe()));
        }
        if (config.noTimestamps() >= 0) p.add((long) config.noTimestamps());
        return p.stream().mapToLong(Long::longValue).toArray();
    }

    /** One decoder run: {@code tokens} [b][s] after the cache in {@code kv} (null on the first step); encoder K/V always from {@code first}. */
    private OrtSession.Result step(long[][] tokens, OnnxTensor hidden, OrtSession.Result kv, OrtSession.Result first) throws OrtException {
        int b = tokens.length, s = tokens[0].length;
        long[] flat = new long[b * s];
        for (int i = 0; i < b; i++) System.arraycopy(tokens[i], 0, flat, i * s, s);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[]{b, s});
            owned.add(ids);
            inputs.put("input_ids", ids);
            inputs.put("encoder_hidden_states", hidden);
            if (hasCacheSwitch) {
                OnnxTensor flag = OnnxTensor.createTensor(env, new boolean[]{kv != null});
                owned.add(flag);
                inputs.put("use_cache_branch", flag);
            }
            for (int l = 0; l < layers; l++) {
                for (String part : new String[]{"decoder.key", "decoder.value", "encoder.key", "encoder.value"}) {
                    String name = "past_key_values." + l + "." + part;
                    if (!decoderInputs.contains(name)) continue; // some exports drop inputs a branch never reads
                    if (kv == null) {
                        OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[]{b, heads, 0, headDim});
                        owned.add(empty);
                        inputs.put(name, empty);
                    } else {
                        OrtSession.Result from = part.startsWith("encoder") ? first : kv;
                        inputs.put(name, (OnnxTensor) from.get("present." + l + "." + part).orElseThrow());
                    }
                }
            }
            return decoder.run(inputs);
        } finally {
            owned.forEach(OnnxValue::close);
        }
    }

    private String detectLanguage(float[] logits, long base, int v) {
        String best = null;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (var e : config.languages().entrySet()) {
            if (e.getValue() < v && logits[(int) (base + e.getValue())] > bestLogit) {
                bestLogit = logits[(int) (base + e.getValue())];
                best = e.getKey();
            }
        }
        return best == null ? "en" : best;
    }

    private void suppress(float[] logits, long base, int v, boolean firstToken) {
        for (int t : config.suppress()) if (t < v) logits[(int) (base + t)] = Float.NEGATIVE_INFINITY;
        if (firstToken) for (int t : config.beginSuppress()) if (t < v) logits[(int) (base + t)] = Float.NEGATIVE_INFINITY;
        for (int t = config.timestampBegin(); t < v; t++) logits[(int) (base + t)] = Float.NEGATIVE_INFINITY;
        // other special tokens (sot, languages, tasks, no-timestamps) never belong in the text
        for (int t = config.eot() + 1; t < Math.min(v, config.timestampBegin()); t++) logits[(int) (base + t)] = Float.NEGATIVE_INFINITY;
    }

    private static float[] logitsOf(OrtSession.Result r) throws OrtException {
        OnnxTensor t = (OnnxTensor) r.get("logits").orElseThrow();
        FloatBuffer fb = t.getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    private static int vocab(OrtSession.Result r) throws OrtException {
        long[] shape = ((OnnxTensor) r.get("logits").orElseThrow()).getInfo().getShape();
        return (int) shape[2];
    }

    private static int argmax(float[] a, long base, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[(int) (base + i)] > a[(int) (base + best)]) best = i;
        return best;
    }

    private static double logSumExp(float[] a, long base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, a[(int) (base + i)]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(a[(int) (base + i)] - max);
        return max + Math.log(sum);
    }

    private static double softmaxAt(float[] a, long base, int n, int index) {
        return index < n ? Math.exp(a[(int) (base + index)] - logSumExp(a, base, n)) : 0;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            if (encoder != null) encoder.close();
            if (decoder != null) decoder.close();
            if (tokenizer != null) tokenizer.close();
        } catch (OrtException ignored) {
            // shutting down
        } finally {
            lock.writeLock().unlock();
        }
    }
}
