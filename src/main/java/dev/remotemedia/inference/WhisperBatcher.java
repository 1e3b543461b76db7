package dev.remotemedia.inference;

import dev.remotemedia.telemetry.Telemetry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching for one Whisper model: windows from concurrent streams wait at most
 * {@code maxWaitMs} for each other and run as one batch of up to {@code maxBatch}. On a GPU one
 * batch of 8 costs little more than one window, which is where a batching server beats
 * one-request-at-a-time ones. Windows that need different prompts (language, task) go in separate batches.
 */
public final class WhisperBatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WhisperBatcher.class);

    /** The result of one window with what it cost. */
    public record Result(WhisperModel.Transcript transcript, int batchSize, long inferenceNanos) {}

    private record Request(float[] features, String language, String task, int maxNewTokens, CompletableFuture<Result> done) {
        boolean sameKind(Request o) {
            return Objects.equals(language, o.language) && task.equals(o.task) && maxNewTokens == o.maxNewTokens;
        }
    }

    private final WhisperModel model;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public WhisperBatcher(WhisperModel model, int maxBatch, long maxWaitMs) {
        this.model = model;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.thread = new Thread(this::loop, "whisper-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    public WhisperModel model() { return model; }

    /** Queues one window (16 kHz, ≤ 30 s); its log-mel features are computed here, on the caller's thread. */
    public CompletableFuture<Result> submit(float[] audio16k, String language, String task, int maxNewTokens) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("Whisper model is shut down"));
            return f;
        }
        queue.add(new Request(model.features(audio16k), language, task, maxNewTokens, f));
        return f;
    }

    private void loop() {
        List<Request> carry = new ArrayList<>();
        while (!closed) {
            try {
                Request head = carry.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : carry.remove(0);
                if (head == null) continue;
                List<Request> batch = new ArrayList<>(List.of(head));
                // requests of another kind carried from the last round join first, then new arrivals until full or the wait is over
                for (var it = carry.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                    Request r = it.next();
                    if (r.sameKind(head)) {
                        batch.add(r);
                        it.remove();
                    }
                }
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Request r = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (r == null) break;
                    if (r.sameKind(head)) batch.add(r);
                    else carry.add(r);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        carry.forEach(r -> r.done.completeExceptionally(new IllegalStateException("Whisper model is shut down")));
    }

    private void run(List<Request> batch) {
        Request head = batch.get(0);
        long t0 = System.nanoTime();
        try {
            List<WhisperModel.Transcript> out = model.transcribeFeatures(batch.stream().map(Request::features).toList(), head.language, head.task, head.maxNewTokens);
            long took = System.nanoTime() - t0;
            Telemetry.modelInference("whisper", Duration.ofNanos(took));
            for (int i = 0; i < batch.size(); i++) batch.get(i).done.complete(new Result(out.get(i), batch.size(), took));
        } catch (RuntimeException e) {
            LOG.warnf("Whisper batch of %d failed: %s", batch.size(), e.getMessage());
            batch.forEach(r -> r.done.completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(r -> r.done.completeExceptionally(new IllegalStateException("Whisper model is shut down")));
    }
}
