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

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String source;
    private final java.util.List<String> outputNames; // probability, then the new state (as the exports name them)

    private SileroModel(byte[] bytes, String source) throws OrtException {
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
        String source = modelPath == null || modelPath.isBlank() ? "classpath:" + BUNDLED : modelPath;
        try {
            byte[] bytes;
            if (modelPath == null || modelPath.isBlank()) {
                try (InputStream in = SileroModel.class.getClassLoader().getResourceAsStream(BUNDLED)) {
                    if (in == null) throw unavailable(source, "the bundled model is missing from the classpath");
                    bytes = in.readAllBytes();
                }
                String sha = sha256(bytes);
                if (!BUNDLED_SHA256.equals(sha)) {
                    throw unavailable(source, "checksum mismatch: expected sha256 " + BUNDLED_SHA256 + ", got " + sha);
                }
            } else {
                Path p = Path.of(modelPath);
                if (!Files.isRegularFile(p)) throw unavailable(source, "file not found");
                bytes = Files.readAllBytes(p);
            }
            return new SileroModel(bytes, source);
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
