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
    private final FloatBuffer state;
    private final OnnxTensor inputTensor;
    private final OnnxTensor stateTensor;
    private final OnnxTensor rateTensor;
    private final float[] tail;

    SileroStream(SileroModel model, int sampleRate) {
        if (sampleRate != 16000 && sampleRate != 8000) throw new IllegalArgumentException("Silero VAD runs at 16000 or 8000 Hz, not " + sampleRate);
        this.model = model;
        this.window = sampleRate == 16000 ? 512 : 256;
        this.context = sampleRate == 16000 ? 64 : 32;
        this.input = direct(context + window);
        this.state = direct(2 * 128);
        this.tail = new float[context];
        try {
            this.inputTensor = OnnxTensor.createTensor(model.env(), input, new long[] {1, context + window});
            this.stateTensor = OnnxTensor.createTensor(model.env(), state, new long[] {2, 1, 128});
            this.rateTensor = OnnxTensor.createTensor(model.env(), new long[] {sampleRate});
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
        System.arraycopy(samples, offset + window - context, tail, 0, context);
        try (OrtSession.Result r = model.session().run(Map.of("input", inputTensor, "state", stateTensor, "sr", rateTensor))) {
            float prob = ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
            FloatBuffer next = ((OnnxTensor) r.get(1)).getFloatBuffer();
            state.clear();
            state.put(next);
            return prob;
        } catch (OrtException e) {
            throw new IllegalStateException("VAD inference failed: " + e.getMessage(), e);
        }
    }

    /** Forgets the recurrent state and context (a new, unrelated stream). */
    public void reset() {
        state.clear();
        for (int i = 0; i < state.capacity(); i++) state.put(i, 0f);
        java.util.Arrays.fill(tail, 0f);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        inputTensor.close();
        stateTensor.close();
        rateTensor.close();
    }
}
