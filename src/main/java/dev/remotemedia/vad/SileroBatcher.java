package dev.remotemedia.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.remotemedia.telemetry.Telemetry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scores the windows of many streams in one ONNX Runtime run. Silero's cost per run is mostly fixed
 * (≈ 126 µs for one window on this project's 2-core VM, ≈ 63 µs per window in a batch of 8), so
 * sessions that need a window scored at about the same time share a run.
 * <p>
 * No thread of its own and no timer (flat combining): a caller that finds the model idle and
 * nobody waiting scores its window at once on its own thread, through the stream's own tensors — a
 * quiet instance pays nothing extra — and whoever arrives meanwhile queues; whoever runs drains the
 * queue in batches of up to {@code maxBatch} before letting go. A stream has at most one window in flight (the node
 * waits for each score: the recurrent state carries from one window to the next).
 */
final class SileroBatcher implements AutoCloseable {
    private final SileroModel model;
    private final int maxBatch;
    private final int window;
    private final int context;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger largest = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder runs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder scored = new java.util.concurrent.atomic.LongAdder();
    // batch buffers, sized once for maxBatch; only the runner touches them
    private final FloatBuffer input;
    private final FloatBuffer state;
    private final OnnxTensor rate;
    private final io.micrometer.core.instrument.Counter windows = Telemetry.vadWindows();
    private final io.micrometer.core.instrument.Timer inference = Telemetry.vadInference();
    private final io.micrometer.core.instrument.DistributionSummary batchSize = Telemetry.vadBatchSize();

    private record Request(SileroStream stream, float[] samples, int offset, CompletableFuture<Float> result) {}

    SileroBatcher(SileroModel model, int sampleRate, int maxBatch) {
        this.model = model;
        this.maxBatch = Math.max(1, maxBatch);
        this.window = sampleRate == 16000 ? 512 : 256;
        this.context = sampleRate == 16000 ? 64 : 32;
        this.input = direct(this.maxBatch * (context + window));
        this.state = direct(this.maxBatch * 2 * 128);
        try {
            this.rate = OnnxTensor.createTensor(model.env(), new long[] {sampleRate});
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create VAD tensors: " + e.getMessage(), e);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The probability of {@code stream}'s next window (samples from {@code offset}); {@code samples}
     * must not change until the result is in. Often complete on return (the caller ran the batch).
     */
    CompletableFuture<Float> score(SileroStream stream, float[] samples, int offset) {
        if (queue.isEmpty() && running.compareAndSet(false, true)) {
            // nobody waiting: score it alone through the stream's own bound tensors (the cheapest run)
            CompletableFuture<Float> alone;
            try {
                long t0 = System.nanoTime();
                alone = CompletableFuture.completedFuture(stream.probability(samples, offset));
                counted(1, System.nanoTime() - t0);
            } catch (RuntimeException e) {
                alone = CompletableFuture.failedFuture(e);
            } finally {
                running.set(false);
            }
            drain(); // whatever queued meanwhile
            return alone;
        }
        CompletableFuture<Float> result = new CompletableFuture<>();
        queue.add(new Request(stream, samples, offset, result));
        drain();
        return result;
    }

    /** Runs batches while there is work and nobody else is running them. */
    private void drain() {
        while (!queue.isEmpty() && running.compareAndSet(false, true)) {
            List<Request> batch = new ArrayList<>(Math.min(maxBatch, 16));
            Runnable complete;
            try {
                for (Request r; batch.size() < maxBatch && (r = queue.poll()) != null; ) batch.add(r);
                complete = batch.isEmpty() ? () -> { } : run(batch);
            } finally {
                running.set(false); // let go before the continuations: another caller may run the next batch meanwhile
            }
            complete.run(); // each stream's continuation runs here, on this thread
            // the loop re-checks the queue after letting go: a request queued just before then is not stranded
        }
    }

    /** Scores one batch; returns what completes its requests. */
    private Runnable run(List<Request> batch) {
        int n = batch.size();
        try {
            input.clear();
            for (Request r : batch) r.stream.fillWindow(r.samples, r.offset, input);
            state.clear();
            for (int i = 0; i < n; i++) batch.get(i).stream.copyStateTo(state, i, n);
            input.flip();
            state.limit(2 * n * 128).position(0); // rows were written by index
            long t0 = System.nanoTime();
            try (OnnxTensor in = OnnxTensor.createTensor(model.env(), input, new long[] {n, context + window});
                 OnnxTensor st = OnnxTensor.createTensor(model.env(), state, new long[] {2, n, 128});
                 OrtSession.Result out = model.session().run(Map.of("input", in, "state", st, "sr", rate))) {
                counted(n, System.nanoTime() - t0);
                FloatBuffer p = ((OnnxTensor) out.get(0)).getFloatBuffer();
                FloatBuffer s = ((OnnxTensor) out.get(1)).getFloatBuffer();
                float[] probs = new float[n];
                for (int i = 0; i < n; i++) {
                    probs[i] = p.get(i);
                    batch.get(i).stream.copyStateFrom(s, i, n);
                }
                return () -> {
                    for (int i = 0; i < n; i++) batch.get(i).result.complete(probs[i]);
                };
            }
        } catch (OrtException | RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("VAD inference failed: " + e.getMessage(), e);
            return () -> batch.forEach(r -> r.result.completeExceptionally(failure));
        }
    }

    private void counted(int n, long nanos) {
        inference.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        windows.increment(n);
        batchSize.record(n);
        largest.accumulateAndGet(n, Math::max);
        runs.increment();
        scored.add(n);
    }

    /** Windows per run, on average so far. */
    double meanBatch() { return runs.sum() == 0 ? 0 : scored.sum() / (double) runs.sum(); }

    /** The most windows one run has scored so far. */
    int largestBatch() { return largest.get(); }

    @Override
    public void close() {
        rate.close();
    }
}
