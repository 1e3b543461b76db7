package dev.remotemedia.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Kokoro v1.0 in ONNX (input_ids or tokens [1, n+2], style [1, 256], speed [1] → a 24 kHz
 * waveform). Phonemes map to ids through the export's vocabulary (tokenizer.json or config.json);
 * the style vector is the voice file's row for the number of tokens (voices/NAME.bin, float32 [510, 1, 256]).
 */
public final class KokoroModel implements AutoCloseable {
    public static final int SAMPLE_RATE = 24000;
    /** Most phoneme tokens per call (the voice files have 510 rows; two more ids are the pads). */
    public static final int MAX_TOKENS = 510;
    /** The files fetched from an https:// prefix (onnx-community layout; s3:// prefixes are listed instead). */
    public static final List<String> FILES = files("fp32");

    /** The files of an export in {@code variant} (auto = fp32 names), for https:// prefixes. */
    public static List<String> files(String variant) {
        return List.of("onnx/" + ModelStore.variantFile("model", variant), "tokenizer.json", "voices/af_heart.bin");
    }
    private static final int STYLE = 256;

    private final OrtEnvironment env = OnnxSessions.environment();
    private final Path dir;
    private final OrtSession session;
    private final String device;
    private final Map<Integer, Integer> vocab = new HashMap<>(); // code point → id
    private final String idsInput;
    private final boolean intSpeed;
    private final Map<String, float[]> voices = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private KokoroModel(Path dir, String device, int threads, String variant) {
        this.dir = dir;
        readVocab(dir);
        OnnxSessions.Opened opened = OnnxSessions.open(ModelStore.modelFile(dir, "model", variant), device, threads);
        this.session = opened.session();
        this.device = opened.device();
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            this.idsInput = inputs.containsKey("input_ids") ? "input_ids" : "tokens";
            if (!inputs.containsKey(idsInput) || !inputs.containsKey("style") || !inputs.containsKey("speed")) {
                throw new PipelineException(ErrorKind.ModelUnavailable, null, "Kokoro model " + dir + ": expected inputs input_ids (or tokens), style, speed; has "
                        + inputs.keySet());
            }
            this.intSpeed = ((TensorInfo) inputs.get("speed").getInfo()).type == OnnxJavaType.INT32;
        } catch (OrtException e) {
            throw new PipelineException(ErrorKind.ModelUnavailable, null, "Kokoro model " + dir + ": " + e.getMessage());
        }
    }

    public static KokoroModel load(Path dir, String device, int threads) {
        return load(dir, device, threads, "auto");
    }

    /** @param variant fp32, fp16, quantized, … or auto (the first present, fp32 first) */
    public static KokoroModel load(Path dir, String device, int threads, String variant) {
        return new KokoroModel(dir, device, threads, variant);
    }

    public String device() { return device; }

    /** Phoneme string → ids, dropping what the vocabulary lacks (pads not included). */
    public long[] tokenize(String phonemes) {
        return phonemes.codePoints().filter(vocab::containsKey).mapToLong(vocab::get).toArray();
    }

    /** Voices present in the model folder. */
    public List<String> voiceNames() {
        try (Stream<Path> s = Files.list(dir.resolve("voices"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin")).map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Checks the voice exists (at node creation, so a typo fails the manifest, not the first sentence). */
    public void requireVoice(String voice) {
        style(voice, 0);
    }

    /** Synthesizes up to {@link #MAX_TOKENS} phoneme ids; returns 24 kHz samples. */
    public float[] synthesize(long[] ids, String voice, float speed) {
        if (ids.length == 0) return new float[0];
        if (ids.length > MAX_TOKENS) throw new PipelineException(ErrorKind.InvalidInput, null, "at most " + MAX_TOKENS + " phoneme tokens per call, got " + ids.length);
        long[] padded = new long[ids.length + 2];
        System.arraycopy(ids, 0, padded, 1, ids.length);
        float[] style = style(voice, ids.length);
        lock.readLock().lock();
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(padded), new long[]{1, padded.length});
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(style), new long[]{1, STYLE});
             OnnxTensor sp = intSpeed ? OnnxTensor.createTensor(env, new int[]{Math.round(speed)}) : OnnxTensor.createTensor(env, new float[]{speed})) {
            if (closed) throw new PipelineException(ErrorKind.ModelUnavailable, null, "Kokoro model " + dir + " is shut down");
            try (OrtSession.Result r = session.run(Map.of(idsInput, in, "style", st, "speed", sp))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new PipelineException(ErrorKind.NodeFailed, null, "Kokoro inference failed: " + e.getMessage());
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[] style(String voice, int tokens) {
        float[] all = voices.computeIfAbsent(voice, v -> {
            if (!v.matches("[A-Za-z0-9_-]+")) throw new PipelineException(ErrorKind.InvalidInput, null, "voice name \"" + v + "\" is not a plain name");
            Path file = dir.resolve("voices").resolve(v + ".bin");
            try {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length % (STYLE * 4) != 0) throw new IOException("size " + bytes.length + " is not a multiple of 256 float32");
                float[] f = new float[bytes.length / 4];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return f;
            } catch (IOException e) {
                throw new PipelineException(ErrorKind.ModelUnavailable, null, "voice " + v + " (" + file + "): " + e.getMessage()
                        + "; voices here: " + String.join(", ", voiceNames()));
            }
        });
        int rows = all.length / STYLE;
        int row = Math.min(tokens, rows - 1);
        float[] out = new float[STYLE];
        System.arraycopy(all, row * STYLE, out, 0, STYLE);
        return out;
    }

    private void readVocab(Path dir) {
        ObjectMapper json = new ObjectMapper();
        List<Path> candidates = new ArrayList<>(List.of(dir.resolve("tokenizer.json"), dir.resolve("config.json")));
        for (Path p : candidates) {
            if (!Files.isRegularFile(p)) continue;
            try {
                JsonNode root = json.readTree(p.toFile());
                JsonNode v = root.path("model").path("vocab").isObject() ? root.path("model").path("vocab") : root.path("vocab");
                v.fields().forEachRemaining(e -> {
                    if (e.getKey().codePointCount(0, e.getKey().length()) == 1) vocab.put(e.getKey().codePointAt(0), e.getValue().asInt());
                });
                if (!vocab.isEmpty()) return;
            } catch (IOException e) {
                throw new PipelineException(ErrorKind.ModelUnavailable, null, "Kokoro model " + dir + ": " + p.getFileName() + ": " + e.getMessage());
            }
        }
        throw new PipelineException(ErrorKind.ModelUnavailable, null, "Kokoro model " + dir + ": no phoneme vocabulary in tokenizer.json (model.vocab) or config.json (vocab)");
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            session.close();
        } catch (OrtException ignored) {
            // shutting down
        } finally {
            lock.writeLock().unlock();
        }
    }
}
