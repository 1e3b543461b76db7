package dev.remotemedia.inference;

import dev.remotemedia.pipeline.MediaThreads;
import dev.remotemedia.telemetry.Telemetry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching for one Whisper model: windows from concurrent streams wait at most
 * {@code maxWaitMs} for each other and run as one batch of up to {@code maxBatch}. On a GPU one
 * batch of 8 costs little more than one window, which is where a batching server beats
 * one-request-at-a-time ones. Windows that need different prompts (language, task) go in separate
 * batches. No thread of its own: a full batch, or the timer after {@code maxWaitMs}, hands the
 * batch to the blocking pool, where this model's batches run one at a time.
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
    private final long maxWaitMs;
    private final ScheduledExecutorService timer;
    private final Executor lane; // this model's batches, one at a time, on the blocking pool
    private final List<Request> waiting = new ArrayList<>(); // guarded by this
    private ScheduledFuture<?> deadline;                    // guarded by this
    private volatile boolean closed;

    public WhisperBatcher(WhisperModel model, int maxBatch, long maxWaitMs, MediaThreads threads) {
        this.model = model;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitMs = maxWaitMs;
        this.timer = threads.timer();
        this.lane = MediaThreads.serial(threads.blocking());
    }

    public WhisperModel model() { return model; }

    /** Queues one window (16 kHz, ≤ 30 s); its log-mel features are computed here, on the caller's thread. */
    public CompletableFuture<Result> submit(float[] audio16k, String language, String task, int maxNewTokens) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("Whisper model is shut down"));
            return f;
        }
        Request r = new Request(model.features(audio16k), language, task, maxNewTokens, f);
        synchronized (this) {
            waiting.add(r);
            if (count(waiting.get(0)) >= maxBatch) {
                dispatch();
            } else if (deadline == null) {
                deadline = timer.schedule(this::dispatchOnTimer, maxWaitMs, TimeUnit.MILLISECONDS);
            }
        }
        return f;
    }

    private int count(Request kind) {
        return (int) waiting.stream().filter(kind::sameKind).count();
    }

    private synchronized void dispatchOnTimer() {
        deadline = null;
        dispatch();
    }

    /** Takes the oldest request and up to maxBatch of its kind; what remains waits for the next round. */
    private void dispatch() {
        while (!waiting.isEmpty()) {
            Request head = waiting.get(0);
            List<Request> batch = new ArrayList<>();
            for (var it = waiting.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                Request r = it.next();
                if (r.sameKind(head)) {
                    batch.add(r);
                    it.remove();
                }
            }
            lane.execute(() -> run(batch));
            if (waiting.isEmpty() || count(waiting.get(0)) < maxBatch) break;
        }
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (!waiting.isEmpty()) deadline = timer.schedule(this::dispatchOnTimer, maxWaitMs, TimeUnit.MILLISECONDS);
    }

    private void run(List<Request> batch) {
        if (closed) {
            batch.forEach(r -> r.done.completeExceptionally(new IllegalStateException("Whisper model is shut down")));
            return;
        }
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
        synchronized (this) {
            if (deadline != null) deadline.cancel(false);
            waiting.forEach(r -> r.done.completeExceptionally(new IllegalStateException("Whisper model is shut down")));
            waiting.clear();
        }
    }
}
