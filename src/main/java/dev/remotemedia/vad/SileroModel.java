package dev.remotemedia.vad;

import ai.onnxruntime.OrtEnvironment;
import dev.remotemedia.inference.OnnxSessions;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Silero VAD ONNX model: one ONNX Runtime session per process, shared by every stream
 * (OrtSession.run is thread-safe; each stream keeps its own recurrent state). Intra/inter-op
 * threads are 1: many small windows from many streams scale by streams, not by threads.
 */
public final class SileroModel implements AutoCloseable {
    /** The vendored file (see THIRD-PARTY-NOTICES.md). */
    public static final String BUNDLED = "models/silero/silero_vad.onnx";
    public static final String BUNDLED_SHA256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";
    /**
     * The same model specialised to 16 kHz, batch 1 (tools/silero_vad_16k.py): every `If` replaced by
     * the branch such a stream takes. Scores identically at about a sixth less CPU per window.
     */
    public static final String BUNDLED_16K = "models/silero/silero_vad_16k.onnx";
    public static final String BUNDLED_16K_SHA256 = "255f63b24e9e2addeaf7c78e4435477da8c4285c6f54328c93bae5b6b4b5ce28";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String source;
    private final java.util.List<String> outputNames; // probability, then the new state (as the exports name them)
    private final boolean only16k;

    private SileroModel(byte[] bytes, String source, boolean only16k) throws OrtException {
        this.only16k = only16k;
        this.env = OnnxSessions.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(bytes, options);
        }
        this.source = source;
        this.outputNames = java.util.List.copyOf(session.getOutputNames());
    }

    /** Output names in the model's order: speech probability, new recurrent state. */
    java.util.List<String> outputNames() { return outputNames; }

    /** Loads the bundled model (checksum verified) or, when {@code modelPath} is set, that file. */
    public static SileroModel load(String modelPath) {
        return load(modelPath, 0);
    }

    /**
     * As {@link #load(String)}, for streams at {@code sampleRate} only: the bundled model at 16 kHz
     * is then its specialised version ({@link #BUNDLED_16K}). A file named by the user is used as is.
     */
    public static SileroModel load(String modelPath, int sampleRate) {
        boolean bundled = modelPath == null || modelPath.isBlank();
        boolean only16k = bundled && sampleRate == 16000;
        String resource = only16k ? BUNDLED_16K : BUNDLED;
        String source = bundled ? "classpath:" + resource : modelPath;
        try {
            byte[] bytes;
            if (bundled) {
                try (InputStream in = SileroModel.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) throw unavailable(source, "the bundled model is missing from the classpath");
                    bytes = in.readAllBytes();
                }
                String expected = only16k ? BUNDLED_16K_SHA256 : BUNDLED_SHA256;
                String sha = sha256(bytes);
                if (!expected.equals(sha)) {
                    throw unavailable(source, "checksum mismatch: expected sha256 " + expected + ", got " + sha);
                }
            } else {
                Path p = Path.of(modelPath);
                if (!Files.isRegularFile(p)) throw unavailable(source, "file not found");
                bytes = Files.readAllBytes(p);
            }
            return new SileroModel(bytes, source, only16k);
        } catch (IOException | OrtException e) {
            throw unavailable(source, e.getMessage());
        }
    }

    private static PipelineException unavailable(String source, String why) {
        return new PipelineException(ErrorKind.ModelUnavailable, null, "Silero VAD model " + source + ": " + why
                + " (the bundled model needs no download; model_path must name a Silero v5/v6 ONNX file)");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    OrtEnvironment env() { return env; }

    OrtSession session() { return session; }

    public String source() { return source; }

    /** A fresh per-stream state (recurrent state + 64-sample context) for this model. */
    public SileroStream newStream(int sampleRate) {
        if (only16k && sampleRate != 16000) throw new IllegalArgumentException(source + " serves 16 kHz streams only, not " + sampleRate + " Hz");
        return new SileroStream(this, sampleRate);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // shutting down
        }
    }
}
