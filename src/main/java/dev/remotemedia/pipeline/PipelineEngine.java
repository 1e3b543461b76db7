package dev.remotemedia.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestParser;
import dev.remotemedia.manifest.ManifestValidator;
import dev.remotemedia.manifest.VariableSource;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide engine: node types, validation, shared services and the media worker pool.
 * The CLI builds one directly; the server exposes one as a CDI bean. Transports only call
 * {@link #validate} and {@link #open}.
 */
public final class PipelineEngine implements AutoCloseable {
    private final NodeTypeRegistry registry;
    private final ManifestValidator validator;
    private final SharedServices shared = new SharedServices();
    private final ExecutorService worker;

    public PipelineEngine(NodeTypeRegistry registry, VariableSource variables, int workerThreads) {
        this.registry = registry;
        this.validator = new ManifestValidator(registry, variables);
        this.worker = Executors.newFixedThreadPool(workerThreads, namedDaemon("remotemedia-media"));
    }

    public static PipelineEngine standalone() {
        return new PipelineEngine(NodeTypeRegistry.load(), VariableSource.environment(),
                Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public NodeTypeRegistry registry() { return registry; }

    public SharedServices shared() { return shared; }

    /** The named pool for blocking media work (inference, file I/O). Never the event loop. */
    public ExecutorService worker() { return worker; }

    public Manifest validate(JsonNode tree, String source) {
        return validator.validate(tree, source);
    }

    public Manifest load(Path file) {
        return validate(ManifestParser.read(file), file.toString());
    }

    public Manifest parse(String text, String source) {
        return validate(ManifestParser.parse(text, source), source);
    }

    /** Builds the node instances of one session. */
    public PipelineSession open(Manifest manifest, String sessionId) {
        return open(PipelineGraph.of(manifest), sessionId);
    }

    /** Builds a session from a graph derived once (servers open one session per unit of work). */
    public PipelineSession open(PipelineGraph graph, String sessionId) {
        return graph.open(this, sessionId);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS); // no model closed under a running inference
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shared.close();
    }

    /**
     * Named daemon threads carrying the class loader of whoever built the pool: the pool grows from
     * whatever thread first submits work (a libwebrtc callback has no application class loader), and
     * libraries that look things up through it (SmallRye Config behind Fault Tolerance) must find the app.
     */
    static ThreadFactory namedDaemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ClassLoader creator = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : PipelineEngine.class.getClassLoader();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(creator);
            return t;
        };
    }
}
