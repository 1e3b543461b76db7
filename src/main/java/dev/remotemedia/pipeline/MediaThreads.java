package dev.remotemedia.pipeline;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one home of the media path's threads. Nodes get them through their {@link NodeContext};
 * nothing else on the media path starts threads or uses common pools (the JDK's, Mutiny's).
 * <ul>
 *   <li>{@link #workers()} — {@code remotemedia-media-N}: node work (VAD, resampling, decoding
 *       results); every session's frames are handed here, serially per session;</li>
 *   <li>{@link #timer()} — {@code remotemedia-timer}: every timer (pacing, sweeps, health probes,
 *       discovery, VAD stall ticks, hedges, batching waits). Timer tasks only hand work over;</li>
 *   <li>{@link #blocking()} — {@code remotemedia-blocking-N}: work that waits or computes for long:
 *       model inference batches, espeak-ng processes, manifest and model fetches.</li>
 * </ul>
 */
public final class MediaThreads implements AutoCloseable {
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final ExecutorService blocking;
    private final int workerCount;

    public MediaThreads(int workerThreads, int blockingThreads) {
        this.workerCount = workerThreads;
        this.workers = Executors.newFixedThreadPool(workerThreads, named("remotemedia-media"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("remotemedia-timer"));
        this.blocking = Executors.newFixedThreadPool(blockingThreads, named("remotemedia-blocking"));
    }

    /** Threads sized from the machine: workers = cores (at least 2), blocking = cores (at least 2). */
    public static MediaThreads forMachine() {
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        return new MediaThreads(cores, cores);
    }

    public ExecutorService workers() { return workers; }

    public int workerCount() { return workerCount; }

    public ScheduledExecutorService timer() { return timer; }

    public ExecutorService blocking() { return blocking; }

    /** An executor that runs its tasks one at a time, in order, on {@code pool} (a session's lane, a model's batch lane). */
    public static Executor serial(Executor pool) {
        return new SerialExecutor(pool);
    }

    /** Runs {@code task} on the workers after {@code delayMs} (the timer only hands it over). */
    public void later(long delayMs, Runnable task) {
        timer.schedule(() -> workers.execute(task), delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (ExecutorService pool : new ExecutorService[] {workers, blocking}) pool.shutdownNow();
        try {
            // no model closed under a running inference
            workers.awaitTermination(5, TimeUnit.SECONDS);
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Named daemon threads carrying the class loader of whoever built the pool: the pool grows from
     * whatever thread first submits work (a libwebrtc callback has no application class loader), and
     * libraries that look things up through it (SmallRye Config behind Fault Tolerance) must find the app.
     */
    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ClassLoader creator = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : MediaThreads.class.getClassLoader();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(creator);
            return t;
        };
    }

    /** Tasks in submission order, one at a time, on a shared pool (the Executor javadoc's classic). */
    private static final class SerialExecutor implements Executor {
        private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        private final Executor pool;
        private Runnable active;

        SerialExecutor(Executor pool) {
            this.pool = pool;
        }

        @Override
        public synchronized void execute(Runnable r) {
            tasks.add(() -> {
                try {
                    r.run();
                } finally {
                    next();
                }
            });
            if (active == null) next();
        }

        private synchronized void next() {
            if ((active = tasks.poll()) != null) pool.execute(active);
        }
    }
}
