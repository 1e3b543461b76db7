package dev.remotemedia.pipeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** `remotemedia.*` settings of the pipeline engine. */
@ConfigMapping(prefix = "remotemedia")
public interface PipelineConfig {
    /** Role of this instance: `local` (edge: browsers, VAD) or `gpu` (worker: heavy nodes). */
    @WithDefault("local")
    String role();

    /** Pipeline settings. */
    Pipeline pipeline();

    interface Pipeline {
        /** Manifest (file path) run by sessions that do not choose one; empty = the bundled dev-local manifest. */
        Optional<String> manifest();

        /** Directory of named pipelines that sessions may choose by name (allow-list: nothing outside it). */
        @WithDefault("manifests")
        String manifestsDir();

        /** Threads of the media worker pool (node work: VAD, resampling, results); 0 = number of cores (at least 2). */
        @WithDefault("0")
        int workerThreads();

        /** Threads of the blocking pool (model inference batches, espeak-ng, fetches); 0 = number of cores (at least 2). */
        @WithDefault("0")
        int blockingThreads();
    }
}
