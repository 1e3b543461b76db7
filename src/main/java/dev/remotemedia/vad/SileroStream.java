package dev.remotemedia.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One stream's inference state: the recurrent state [2,1,128] and the context (the last 64 samples
 * at 16 kHz, 32 at 8 kHz) prepended to each window — without it this model returns ≈0 everywhere.
 * Tensors wrap direct buffers that are refilled in place, so a window costs no allocation but the result.
 * Not thread-safe: one stream, one caller at a time.
 */
public final class SileroStream implements AutoCloseable {
    private final SileroModel model;
    private final int window;
    private final int context;
    private final FloatBuffer input;
    private final FloatBuffer state;   // the recurrent state fed to the next window …
    private final FloatBuffer spare;   // … and where ORT writes the new one; swapped after each window
    private final FloatBuffer prob;
    private final OnnxTensor inputTensor;
    private OnnxTensor stateTensor;
    private OnnxTensor spareTensor;
    private final OnnxTensor probTensor;
    private final OnnxTensor rateTensor;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;
    private final float[] tail;

    SileroStream(SileroModel model, int sampleRate) {
        if (sampleRate != 16000 && sampleRate != 8000) throw new IllegalArgumentException("Silero VAD runs at 16000 or 8000 Hz, not " + sampleRate);
        this.model = model;
        this.window = sampleRate == 16000 ? 512 : 256;
        this.context = sampleRate == 16000 ? 64 : 32;
        this.input = direct(context + window);
        this.state = direct(2 * 128);
        this.spare = direct(2 * 128);
        this.prob = direct(1);
        this.tail = new float[context];
        try {
            this.inputTensor = OnnxTensor.createTensor(model.env(), input, new long[] {1, context + window});
            this.stateTensor = OnnxTensor.createTensor(model.env(), state, new long[] {2, 1, 128});
            this.spareTensor = OnnxTensor.createTensor(model.env(), spare, new long[] {2, 1, 128});
            this.probTensor = OnnxTensor.createTensor(model.env(), prob, new long[] {1, 1});
            this.rateTensor = OnnxTensor.createTensor(model.env(), new long[] {sampleRate});
            bind();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create VAD tensors: " + e.getMessage(), e);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public int windowSize() { return window; }

    private boolean closed;

    /**
     * Speech probability of the next {@link #windowSize()} samples starting at {@code offset}.
     * Synchronized with {@link #close()} (uncontended in practice): native tensors are never freed
     * under a running inference, whichever thread closes the session.
     */
    public synchronized float probability(float[] samples, int offset) {
        if (closed) throw new IllegalStateException("VAD stream already closed");
        input.clear();
        input.put(tail).put(samples, offset, window);
        keepContext(samples, offset);
        // outputs are written into our own tensors (no allocation per window), the new state into the
        // spare buffer, which then becomes the input state: no copy either
        try (OrtSession.Result r = model.session().run(inputs, outputs)) {
            OnnxTensor used = stateTensor;
            stateTensor = spareTensor;
            spareTensor = used;
            bind();
            return prob.get(0);
        } catch (OrtException e) {
            throw new IllegalStateException("VAD inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * Passes over a window without scoring it (a silent one): only the context the next window is
     * scored with moves on; the recurrent state stays as the last scored window left it.
     */
    public synchronized void skip(float[] samples, int offset) {
        keepContext(samples, offset);
    }

    /** The window's last {@code context} samples: what the next window is scored with in front of it. */
    private void keepContext(float[] samples, int offset) {
        System.arraycopy(samples, offset + window - context, tail, 0, context);
    }

    private void bind() {
        inputs = Map.of("input", inputTensor, "state", stateTensor, "sr", rateTensor);
        outputs = Map.of(model.outputNames().get(0), probTensor, model.outputNames().get(1), spareTensor);
    }

    /** Forgets the recurrent state and context (a new, unrelated stream). */
    public synchronized void reset() {
        for (FloatBuffer b : new FloatBuffer[] {state, spare}) {
            for (int i = 0; i < b.capacity(); i++) b.put(i, 0f);
        }
        java.util.Arrays.fill(tail, 0f);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        inputTensor.close();
        stateTensor.close();
        spareTensor.close();
        probTensor.close();
        rateTensor.close();
    }
}
