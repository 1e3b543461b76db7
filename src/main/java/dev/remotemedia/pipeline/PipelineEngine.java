package dev.remotemedia.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestParser;
import dev.remotemedia.manifest.ManifestValidator;
import dev.remotemedia.manifest.VariableSource;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * The process-wide engine: node types, validation, shared services and the media worker pool.
 * The CLI builds one directly; the server exposes one as a CDI bean. Transports only call
 * {@link #validate} and {@link #open}.
 */
public final class PipelineEngine implements AutoCloseable {
    private final NodeTypeRegistry registry;
    private final ManifestValidator validator;
    private final SharedServices shared = new SharedServices();
    private final MediaThreads threads;

    static {
        // Outside Quarkus, MicroProfile Context Propagation finds its provider lazily, and two threads
        // doing so first at the same moment (a client and a server starting their streams) both try to
        // register it: "ContextManagerProvider already set". Settle it once, here, before any pool runs;
        // inside Quarkus the provider is already there and this only looks it up.
        try {
            org.eclipse.microprofile.context.spi.ContextManagerProvider.instance();
        } catch (IllegalStateException alreadySet) {
            // another thread won: that is all we wanted
        }
    }

    public PipelineEngine(NodeTypeRegistry registry, VariableSource variables, int workerThreads) {
        this(registry, variables, new MediaThreads(workerThreads, Math.max(2, Runtime.getRuntime().availableProcessors())));
    }

    public PipelineEngine(NodeTypeRegistry registry, VariableSource variables, MediaThreads threads) {
        this.registry = registry;
        this.validator = new ManifestValidator(registry, variables);
        this.threads = threads;
    }

    public static PipelineEngine standalone() {
        return new PipelineEngine(NodeTypeRegistry.load(), VariableSource.environment(), MediaThreads.forMachine());
    }

    public NodeTypeRegistry registry() { return registry; }

    public SharedServices shared() { return shared; }

    /** The media workers: node work and hand-offs. Never the event loop. */
    public ExecutorService worker() { return threads.workers(); }

    /** Every thread of the media path: workers, the timer, the blocking pool. */
    public MediaThreads threads() { return threads; }

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
        threads.close(); // waits for running work: no model closed under a running inference
        shared.close();
    }
}
